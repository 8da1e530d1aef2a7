// Small helpers the ApiServer's route files share (internal to src/api).
#pragma once

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <string_view>

#include "api/quota_errors.h"
#include "common/status.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/response.h"

namespace vox::api {

// An Error as an HTTP answer: errors.h's mapping, plus 422 for unprocessable,
// the 429s (quota_errors.h) and 413 for a text whose speech would be over
// VOX_MAX_AUDIO_SECONDS; internal errors are logged here (the client sees a
// generic message).
inline http::Response FromError(const Error& e) {
  if (IsQuotaExceeded(e)) return http::JsonError(429, "quota_exceeded", e.message);
  if (IsRateLimited(e) || IsTooManyQueuedJobs(e)) {
    http::Response r =
        http::JsonError(429, IsRateLimited(e) ? "rate_limited" : "too_many_queued_jobs", e.message);
    r.headers.Set("Retry-After", IsRateLimited(e) ? "1" : "5");
    return r;
  }
  if (e.code == ErrorCode::kResourceExhausted && e.field == "text") {
    return http::JsonError(413, "audio_too_long", e.message, "text");
  }
  int status = 0;
  if (e.code == ErrorCode::kUnprocessable) status = 422;
  if (e.code == ErrorCode::kInternal) spdlog::error("internal error: {}", e.ToString());
  return http::ErrorResponse(e, status);
}

// Errors about values the platform cannot serve become 422, naming the
// request's own field names (the engines say "voice", the API "voice_id").
inline Error AsUnprocessable(Error e) {
  if (e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kNotFound ||
      e.code == ErrorCode::kPermissionDenied) {
    e.code = ErrorCode::kUnprocessable;
  }
  if (e.field == "voice") e.field = "voice_id";
  return e;
}

inline http::Response AdminOnly() {
  return http::JsonError(403, "permission_denied", "this route needs an admin API key");
}

// A header's value copied out of the request (handlers outlive nothing of it).
inline std::optional<std::string> HeaderCopy(const http::Request& r, std::string_view name) {
  auto v = r.Header(name);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

}  // namespace vox::api
