// ElevenLabs' error shapes, in one place for the ElevenLabs front end.
//
// Validation errors are FastAPI's 422:
//   {"detail":[{"type":"value_error","loc":["body","voice_settings","speed"],"msg":"...",
//               "input":...}]}
// with `loc` from the Error's field: query parameters (output_format) under "query", the
// voice under "path", everything else under "body" (dots become nested steps). Other
// errors carry {"detail":{"status":"...","message":"..."}}: 401 invalid_api_key, 404
// voice_not_found / not_found, 409, 429 too_many_concurrent_requests (a rate or the plan's
// concurrency), 429 quota_exceeded (the plan's monthly characters), 503
// system_busy, 500 internal_error.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "http/response.h"

namespace vox::api::elevenlabs {

http::Response ErrorResponse(const Error& error);

// The WebSocket's form of an error (stream-input): the message sent before closing,
// {"message","error","code"}, and the close frame's code (1008 bad input or key, 1013 busy,
// 1011 internal) with the message as its reason (cut to the 123 bytes a close frame holds).
struct SocketError {
  uint16_t close_code;
  std::string error;  // invalid_request, invalid_api_key, voice_not_found, rate_limited, ...
  std::string message;
  std::string Json() const;
};
SocketError SocketErrorFor(const Error& error);

// {"detail":{"status":status,"message":message}} with `http_status`.
http::Response DetailError(int http_status, std::string_view status, std::string_view message);

}  // namespace vox::api::elevenlabs
