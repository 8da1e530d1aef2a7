#include "http/errors.h"

#include <string>

namespace vox::http {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnprocessable:
      return 422;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kCanceled:
      return 409;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const Error& error, int status_override) {
  const int status = status_override != 0 ? status_override : HttpStatusFor(error.code);
  const bool hide = error.code == ErrorCode::kInternal || (status >= 500 && status != 503);
  Response r = JsonError(status, ErrorCodeName(error.code),
                         hide ? "internal error" : std::string_view(error.message),
                         hide ? std::string_view() : std::string_view(error.field));
  if (status == 503) r.headers.Set("Retry-After", std::to_string(kRetryAfterSeconds));
  if (status == 401) r.headers.Set("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace vox::http
