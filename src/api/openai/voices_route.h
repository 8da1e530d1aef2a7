// OpenAI's custom-voice routes on Vox's consent-verified cloning.
//
//   POST   /v1/audio/voice_consents              multipart name, language, recording
//                                                -> audio.voice_consent
//   GET    /v1/audio/voice_consents              {"object":"list","data":[…]} (?limit, ?after)
//   GET    /v1/audio/voice_consents/{consent_id} audio.voice_consent
//   DELETE /v1/audio/voice_consents/{consent_id} {"id","object":"audio.voice_consent","deleted"}
//   POST   /v1/audio/voices                      multipart name, audio_sample, consent
//                                                -> audio.voice (status "processing")
//   GET    /v1/audio/voices                      the caller's custom voices, as a list
//   GET    /v1/audio/voices/{voice_id}           audio.voice with its status
//   DELETE /v1/audio/voices/{voice_id}           {"id","object":"audio.voice.deleted","deleted"}
//
// A consent is the speaker's recording of Vox's consent statement for `name` (GET
// /v1/voice/consent-statement?name=…), kept by ConsentRecords until a voice uses it; it is
// decoded when uploaded, so a file that is not audio is refused at once. Creating a voice
// decodes the sample likewise, then hands the sample and the consent to the native voice
// creation (JobService::SubmitVoiceCreation: plan's voice slots, pending creations, the
// worker's consent verification, protected voices) and answers 200 with the voice as it is
// now: "status":"processing" (a Vox field). A client waits by polling GET
// /v1/audio/voices/{id} until the status is "ready" (speak with voice: {"id": …}) or
// "rejected" (with "error": {code, message} — the consent did not verify, the sample was
// unusable). The voice id is Vox's own clone id, usable on every Vox route.
//
// Authentication and (on the two uploads) the rate limit are the native ones, answered in
// OpenAI's error shape; scopes voices:write (POST, DELETE) and voices:read (GET). Audited:
// voice_consent.create, voice_consent.use, voice_consent.delete (the voice's own creation and
// deletion are audited by the cloner as on the native routes). All on the handler pool.
#pragma once

#include <variant>

#include "api/authenticator.h"
#include "api/job_service.h"
#include "api/openai/auth_gate.h"
#include "api/openai/consent_records.h"
#include "api/rate_limiter.h"
#include "api/route_scopes.h"
#include "cloning/voice_cloner.h"
#include "http/router.h"
#include "obs/metrics.h"
#include "store/store.h"

namespace vox::api::openai {

struct VoicesRouteDeps {
  Authenticator& auth;
  const RouteScopes& scopes;
  RateLimiter& limiter;
  JobService& jobs;
  store::Store& store;
  blob::BlobStore& blobs;
  cloning::VoiceCloner* cloner;  // null: the cloning routes answer 503
  // vox_voice_creations_total{outcome}, shared with the native upload route.
  obs::Family<obs::Counter>& voice_creations;
  Post post;
};

class VoicesRoute {
 public:
  explicit VoicesRoute(VoicesRouteDeps deps) : d_(std::move(deps)), consents_(d_.blobs) {}

  // For the upload routes: authenticates before the body is read.
  http::Gate Gate() { return OpenAiGate(d_.auth, d_.scopes, d_.post); }

  void CreateConsent(http::Request& request, http::Responder respond);
  void ListConsents(http::Request& request, http::Responder respond);
  void GetConsent(http::Request& request, http::Responder respond);
  void DeleteConsent(http::Request& request, http::Responder respond);
  void CreateVoice(http::Request& request, http::Responder respond);
  void ListVoices(http::Request& request, http::Responder respond);
  void GetVoice(http::Request& request, http::Responder respond);
  void DeleteVoice(http::Request& request, http::Responder respond);

 private:
  // Authenticates for the route's scope on the pool, then runs `work`; `request` stays valid
  // until the response is sent.
  void Authed(http::Request& request, http::Responder respond,
              std::function<http::Response(const Principal&)> work);
  void Audit(const Principal& who, const std::string& request_id, std::string action,
             const std::string& consent_id, nlohmann::json detail);
  std::variant<store::Voice, http::Response> CustomVoice(const Principal& who,
                                                         const std::string& id);
  http::Response SubmitVoice(const Principal& who, const std::string& request_id,
                             std::string_view body, std::string_view content_type);

  VoicesRouteDeps d_;
  ConsentRecords consents_;
};

}  // namespace vox::api::openai
