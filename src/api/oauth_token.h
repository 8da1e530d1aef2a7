// POST /v1/oauth/token: OAuth2's client credentials grant (RFC 6749 4.4).
//
// The client authenticates with HTTP Basic (client_id:client_secret, each
// form-encoded, RFC 6749 2.3.1) or with client_id and client_secret in the
// form body (not both); the body is application/x-www-form-urlencoded with
// grant_type=client_credentials and an optional space-separated scope, which
// may only narrow the client's scopes. The answer is
// {"access_token","token_type":"Bearer","expires_in","scope"}, never cached;
// errors are RFC 6749 5.2's {"error","error_description"}: invalid_request
// 400, invalid_client 401 with WWW-Authenticate (one answer for an unknown
// client, a wrong secret and a revoked client), unsupported_grant_type 400,
// invalid_scope 400. (invalid_grant has no case in this grant: there is no
// grant to be invalid beyond the client's own credentials.)
//
// The access token is a JWT Vox signs with HS256 under a key derived from the
// signing secret (VOX_SIGNING_SECRET or DATA/secret), so every API process
// that shares the secret verifies it; rotating the secret ends every token.
// Claims: iss and aud "vox", sub (the client's user), client_id, scope, iat,
// exp, jti. The Authenticator verifies it like any JWT (authenticator.h).
#pragma once

#include <optional>
#include <string>

#include "api/jwt.h"
#include "common/clock.h"
#include "http/response.h"
#include "store/store.h"

namespace vox::api {

inline constexpr const char* kVoxTokenIssuer = "vox";

// The key Vox signs and verifies its own access tokens with.
JwtKey VoxTokenKey(std::string_view signing_secret);

struct TokenRequest {
  std::optional<std::string> content_type;
  std::optional<std::string> authorization;
  std::string body;
};

class OAuthTokenService {
 public:
  OAuthTokenService(store::Store& store, JwtKey key, int64_t ttl_s,
                    const Clock& clock = Clock::System())
      : store_(store), key_(std::move(key)), ttl_s_(ttl_s), clock_(clock) {}

  // Blocks on the store: run it on the handler pool.
  http::Response Token(const TokenRequest& request) const;

 private:
  store::Store& store_;
  const JwtKey key_;
  const int64_t ttl_s_;
  const Clock& clock_;
};

}  // namespace vox::api
