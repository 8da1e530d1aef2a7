// The one place where vox::Error codes become HTTP statuses and JSON error bodies.
#pragma once

#include "common/status.h"
#include "http/response.h"

namespace vox::http {

// invalid_argument 400, unprocessable 422, not_found 404, already_exists 409, failed_precondition
// 409, permission_denied 403, unauthenticated 401, resource_exhausted 429, unavailable 503,
// canceled 409, internal 500.
int HttpStatusFor(ErrorCode code);

// Seconds in the Retry-After header of 503 answers built here.
inline constexpr int kRetryAfterSeconds = 5;

// The JSON error response for `error`: status from HttpStatusFor unless `status_override` is
// non-zero (e.g. 422 for a semantically invalid request, 413 for resource_exhausted by size).
// The code in the body is ErrorCodeName(error.code). Internal errors (or any 5xx other than
// 503) get a generic message: their text may hold paths or library details a client must not
// see; the caller logs the real message. 503 adds Retry-After.
Response ErrorResponse(const Error& error, int status_override = 0);

}  // namespace vox::http
