// ElevenLabs' text-to-speech routes on Vox's streaming pipeline:
//
//   POST /v1/text-to-speech/{voice_id}                        audio (chunked as it is made)
//   POST /v1/text-to-speech/{voice_id}/stream                 the same
//   POST /v1/text-to-speech/{voice_id}/with-timestamps        one JSON: audio_base64,
//                                                             alignment, normalized_alignment
//   POST /v1/text-to-speech/{voice_id}/stream/with-timestamps the same as NDJSON, one line
//                                                             per piece of audio
//
// `output_format` (query) picks the codec and rate (output_format.h), the body is
// tts_request.h. Authentication is the `xi-api-key` header (a Vox API key) checked by a
// route gate before the body is read; the per-key rate limit is the native API's; every
// synthesis is recorded as a job (StreamService), with its word timestamps. Alignments are
// on the request's own text (characters joined are the text) and on the text the engine
// spoke. With VOX_COMPAT_SSML a `text` that is an SSML document streams as native SSML does
// (api/compat_ssml.h); its `alignment` is then on the document, markup included. Errors in
// ElevenLabs' shape (elevenlabs_errors.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/authenticator.h"
#include "api/rate_limiter.h"
#include "api/stream_service.h"
#include "http/router.h"

namespace vox::api::elevenlabs {

// Voice ids are Vox's (flite-slt, piper-…:speaker, a clone's UUID): anything else, path
// characters included, is no voice.
bool PlausibleVoiceId(std::string_view id);

// The `xi-api-key` header as the Authorization value the Authenticator takes.
std::optional<std::string> XiApiKey(const http::Request& request);

// Authenticates `xi-api-key` on the pool before the body is read; ElevenLabs' 401.
http::Gate XiKeyGate(Authenticator& auth, Scope scope,
                     std::function<void(std::function<void()>)> post);

class TextToSpeechRoute {
 public:
  enum class Kind { kConvert, kStream, kWithTimestamps, kStreamWithTimestamps };
  using Post = std::function<void(std::function<void()>)>;  // runs work on the handler pool

  // `compat_ssml`: VOX_COMPAT_SSML, a `text` that is an SSML document spoken as SSML.
  TextToSpeechRoute(StreamService& streams, Authenticator& auth, RateLimiter& limiter, Post post,
                    bool compat_ssml)
      : streams_(streams),
        auth_(auth),
        limiter_(limiter),
        post_(std::move(post)),
        compat_ssml_(compat_ssml) {}

  void Handle(Kind kind, http::Request& request, http::Responder respond);

 private:
  struct Call {
    Kind kind;
    std::optional<std::string> key;
    std::string voice_id, output_format, body, request_id;
  };
  http::Response Serve(const Call& call);

  StreamService& streams_;
  Authenticator& auth_;
  RateLimiter& limiter_;
  Post post_;
  const bool compat_ssml_;
};

}  // namespace vox::api::elevenlabs
