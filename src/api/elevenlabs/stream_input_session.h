// StreamInputSession: one WebSocket of ElevenLabs' stream-input (stream_input_messages.h)
// on a connection the HTTP core handed over (http::Upgraded).
//
// Everything runs on the connection's strand except authentication (the handler pool) and
// synthesis (StreamService::StartPieces on the stream pool). Text is cut into pieces by
// StreamInputText and queued for the stream's thread; audio messages come back through a
// bounded http::BodyStream, one Write per WebSocket message, written one at a time.
//
// Bounded: a message over `max_message_bytes` is refused by the WebSocket layer (close
// 1009); a binary frame closes 1003; unparsable or wrong-typed JSON, a missing or bad key
// and text piling up past `max_buffered_text_bytes` close 1008 after an error message; no
// text for `inactivity_timeout` ends the input (what was sent is still spoken); a write the
// client does not take within `write_timeout` (a reader that stopped reading) closes the
// socket; a client that goes away cancels the synthesis at once (the BodyStream's cancel is
// the engine's cancel check). The server's graceful stop ends the input like the inactivity
// timeout does; its deadline closes the socket.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/authenticator.h"
#include "api/elevenlabs/stream_input_messages.h"
#include "api/rate_limiter.h"
#include "api/stream_service.h"
#include "http/headers.h"
#include "http/upgrade.h"

namespace vox::api::elevenlabs {

struct StreamInputLimits {
  size_t max_message_bytes = 256 * 1024;         // one client message
  size_t max_buffered_text_bytes = 64 * 1024;    // received, not yet being spoken
  size_t max_buffered_audio_bytes = 512 * 1024;  // messages waiting for a slow reader
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds handshake_timeout{10'000};
};

// What the route learned before the hand-over.
struct StreamInputCall {
  std::string voice_id;
  StreamInputQuery query;
  std::string request_id;
  std::optional<Principal> who;  // authenticated by the xi-api-key header
  // The upgrade request as received, for the WebSocket handshake.
  std::string method, target;
  http::Headers headers;
};

struct StreamInputDeps {
  StreamService& streams;
  Authenticator& auth;
  RateLimiter& limiter;
  std::function<void(std::function<void()>)> post;  // the handler pool
  StreamInputLimits limits;
};

// Takes the connection over: answers the handshake, then serves the stream. `deps` must
// outlive the session (the ApiServer's members do).
void StartStreamInputSession(const StreamInputDeps& deps, StreamInputCall call,
                             http::Upgraded&& upgraded);

}  // namespace vox::api::elevenlabs
