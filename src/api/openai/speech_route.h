// POST /v1/audio/speech: OpenAI's text-to-speech on Vox's streaming pipeline.
//
// Authentication is a route gate answering in OpenAI's shape (401 invalid_api_key, 403
// insufficient_scope for the route's scope in `scopes`) before the body is read; the per-key rate
// limit is the native API's. The body streams as it is made (chunked), either as audio bytes
// (stream_format "audio") or as server-sent events (stream_format "sse"): `data:
// {"type":"speech.audio.delta","audio":"<base64>"}` per piece, then `data:
// {"type":"speech.audio.done","usage":{...}}`. Every output is 24 kHz mono (pcm: s16le, no header,
// as OpenAI's). Usage: input_tokens = input characters / 4 rounded up (OpenAI's rule of thumb for
// English), output_tokens = 20 ms audio frames. With VOX_COMPAT_SSML an `input` that is an SSML
// document streams as native SSML does (api/compat_ssml.h).
#pragma once

#include <functional>

#include "api/authenticator.h"
#include "api/openai/voice_table.h"
#include "api/rate_limiter.h"
#include "api/route_scopes.h"
#include "api/stream_service.h"
#include "http/router.h"

namespace vox::api::openai {

inline constexpr int kOutputRate = 24000;

class SpeechRoute {
 public:
  using Post = std::function<void(std::function<void()>)>;  // runs work on the handler pool
  // `compat_ssml`: VOX_COMPAT_SSML, an `input` that is an SSML document spoken as SSML.
  SpeechRoute(StreamService& streams, Authenticator& auth, const RouteScopes& scopes,
              RateLimiter& limiter, VoiceTable voices, Post post, bool compat_ssml)
      : streams_(streams),
        auth_(auth),
        scopes_(scopes),
        limiter_(limiter),
        voices_(std::move(voices)),
        post_(std::move(post)),
        compat_ssml_(compat_ssml) {}

  http::Gate Gate();
  void Handle(http::Request& request, http::Responder respond);

 private:
  http::Response Serve(const std::optional<std::string>& authorization, Scope scope,
                       const std::string& body, const std::string& request_id);

  StreamService& streams_;
  Authenticator& auth_;
  const RouteScopes& scopes_;
  RateLimiter& limiter_;
  const VoiceTable voices_;
  Post post_;
  const bool compat_ssml_;
};

}  // namespace vox::api::openai
