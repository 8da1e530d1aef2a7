// Authentication on the OpenAI routes, answered in OpenAI's shape: a gate that runs when a
// request's headers are complete (a refused client's body is never read), and the refusal
// itself for handlers that authenticate again from the key cache.
#pragma once

#include <functional>

#include "api/authenticator.h"
#include "api/rate_limiter.h"
#include "api/route_scopes.h"
#include "http/router.h"

namespace vox::api::openai {

using Post = std::function<void(std::function<void()>)>;  // runs work on the handler pool

// 401 invalid_api_key for a missing or wrong key; other errors (403 insufficient_scope, 503)
// as OpenAiErrorResponse maps them.
http::Response OpenAiRefusal(const Error& error);

// Authorizes the request's bearer credential for its route's scope (`scopes`) on `post`.
http::Gate OpenAiGate(Authenticator& auth, const RouteScopes& scopes, Post post);

// The native per-key rate limit: a 429 rate_limit_exceeded with Retry-After when `who` is over
// it, nullopt otherwise.
std::optional<http::Response> OpenAiRateCheck(RateLimiter& limiter, const Principal& who);

}  // namespace vox::api::openai
