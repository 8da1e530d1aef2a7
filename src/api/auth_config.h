// AuthConfig: bearer tokens beside API keys. An external issuer's JWTs are
// accepted with VOX_JWT_SECRET(_FILE) (HS256) and/or VOX_JWT_PUBLIC_KEY_FILE
// (RS256/ES256: a PEM public key or a JWKS document); VOX_JWT_ISSUER and
// VOX_JWT_AUDIENCE, when set, must match the tokens' iss and aud. Vox's own
// OAuth2 access tokens are always accepted (oauth_token.h).
#pragma once

#include <string>
#include <vector>

#include "api/jwt.h"
#include "common/status.h"

namespace vox::api {

struct AuthConfig {
  std::string jwt_secret;            // VOX_JWT_SECRET(_FILE); at least 32 bytes; never logged
  std::string jwt_public_keys;       // the text of VOX_JWT_PUBLIC_KEY_FILE
  std::string jwt_issuer;            // VOX_JWT_ISSUER
  std::string jwt_audience;          // VOX_JWT_AUDIENCE
  int64_t jwt_leeway_s = 60;         // VOX_JWT_LEEWAY_S: clock skew allowed on exp and nbf
  int64_t oauth_token_ttl_s = 3600;  // VOX_OAUTH_TOKEN_TTL_S

  // Errors name the setting.
  Status Validate() const;
};

// The keys bearer tokens are verified with: the external issuer's, then
// Vox's own token key (derived from `signing_secret`).
Result<std::vector<JwtKey>> TokenKeys(const AuthConfig& config, std::string_view signing_secret);

}  // namespace vox::api
