// ElevenLabs' catalog routes: voices, models and the subscription.
//
//   GET    /v1/voices            {"voices":[Voice]}: the built-in voices ("premade") and
//                                the caller's clones ("cloned")
//   GET    /v1/voices/{id}       one Voice
//   DELETE /v1/voices/{id}       {"status":"ok"}: deletes a clone (VoiceCloner::Delete)
//   POST   /v1/voices/add        instant voice cloning: see AddVoice
//   GET    /v1/models            a bare array of ElevenLabs' model ids Vox accepts
//   GET    /v1/user/subscription the caller's plan and this month's characters
//
// /v1/voices, /v1/voices/{id} and /v1/models are native routes too: ApiServer hands a
// request here when it authenticated with `xi-api-key` (IsElevenLabsRequest) and answers
// natively otherwise. Everything runs on the handler pool, after authentication.
#pragma once

#include <functional>

#include "api/authenticator.h"
#include "api/rate_limiter.h"
#include "api/usage_meter.h"
#include "cloning/voice_cloner.h"
#include "engines/engine_registry.h"
#include "http/router.h"
#include "store/store.h"

namespace vox::api::elevenlabs {

// True when the request carries `xi-api-key` and no `Authorization` header.
bool IsElevenLabsRequest(const http::Request& request);

class CatalogRoute {
 public:
  using Post = std::function<void(std::function<void()>)>;  // runs work on the handler pool
  CatalogRoute(Authenticator& auth, RateLimiter& limiter, const engines::EngineRegistry& engines,
               store::Store& store, cloning::VoiceCloner* cloner, Post post)
      : auth_(auth),
        limiter_(limiter),
        engines_(engines),
        store_(store),
        cloner_(cloner),
        post_(std::move(post)) {}

  void ListVoices(http::Request& request, http::Responder respond);
  void GetVoice(http::Request& request, http::Responder respond);
  void DeleteVoice(http::Request& request, http::Responder respond);
  // Multipart name, files (one or more recordings), description, labels (a JSON object),
  // remove_background_noise. ElevenLabs clones at once; Vox clones only with the speaker's
  // verified consent, which this form cannot carry: the voice is recorded with
  // requires_verification true and never speaks (its status is rejected with the code
  // consent_required, and its recordings are not kept). The speaker's recordings and consent
  // go through POST /v1/voice/create, which makes a voice that speaks.
  void AddVoice(http::Request& request, http::Responder respond);
  void ListModels(http::Request& request, http::Responder respond);
  // The user's plan as `tier`, this month's characters and the plan's limits (usage_meter.h).
  void Subscription(http::Request& request, http::Responder respond);
  // Set before serving; without it the subscription route answers 503.
  void UseMeter(UsageMeter* meter) { meter_ = meter; }

 private:
  // Authenticates xi-api-key on the pool, then runs `work`.
  void Authed(http::Request& request, Scope scope, http::Responder respond,
              std::function<http::Response(const Principal&)> work);

  Authenticator& auth_;
  RateLimiter& limiter_;
  const engines::EngineRegistry& engines_;
  store::Store& store_;
  cloning::VoiceCloner* cloner_;
  Post post_;
  UsageMeter* meter_ = nullptr;
};

}  // namespace vox::api::elevenlabs
