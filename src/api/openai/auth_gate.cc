#include "api/openai/auth_gate.h"

#include "api/api_responses.h"
#include "api/openai/openai_errors.h"

namespace vox::api::openai {

http::Response OpenAiRefusal(const Error& e) {
  if (e.code != ErrorCode::kUnauthenticated) return OpenAiErrorResponse(e);
  return OpenAiError(401, "invalid_request_error", "invalid_api_key", "",
                     "Incorrect API key provided. Vox keys are created with `vox keys create`.");
}

http::Gate OpenAiGate(Authenticator& auth, const RouteScopes& scopes, Post post) {
  return [&auth, &scopes, post = std::move(post)](const http::Request& request,
                                                  http::GateDecision decide) {
    auto authorization = HeaderCopy(request, "Authorization");
    post([&auth, authorization, scope = scopes.For(request), decide] {
      auto who = auth.Authorize(authorization, scope);
      decide(who ? std::nullopt : std::optional<http::Response>(OpenAiRefusal(who.error())));
    });
  };
}

std::optional<http::Response> OpenAiRateCheck(RateLimiter& limiter, const Principal& who) {
  int retry_after = 1;
  if (limiter.Allow(who, &retry_after)) return std::nullopt;
  http::Response r = OpenAiError(429, "requests", "rate_limit_exceeded", "",
                                 "Rate limit reached for requests. Please try again later.");
  r.headers.Set("Retry-After", std::to_string(retry_after));
  return r;
}

}  // namespace vox::api::openai
