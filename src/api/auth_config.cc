#include "api/auth_config.h"

#include "api/oauth_token.h"

namespace vox::api {
namespace {

Result<std::vector<JwtKey>> ExternalKeys(const AuthConfig& c) {
  std::vector<JwtKey> keys;
  if (!c.jwt_secret.empty()) {
    if (c.jwt_secret.size() < 32) {
      return InvalidArgument("must be at least 32 bytes (HS256)", "VOX_JWT_SECRET");
    }
    JwtKey key;
    key.alg = JwtAlg::kHs256;
    key.secret = c.jwt_secret;
    keys.push_back(std::move(key));
  }
  if (!c.jwt_public_keys.empty()) {
    VOX_ASSIGN_OR_RETURN(auto public_keys,
                         LoadPublicKeys(c.jwt_public_keys, "VOX_JWT_PUBLIC_KEY_FILE"));
    for (auto& k : public_keys) keys.push_back(std::move(k));
  }
  for (JwtKey& k : keys) {
    k.issuer = c.jwt_issuer;
    k.audience = c.jwt_audience;
  }
  return keys;
}

}  // namespace

Status AuthConfig::Validate() const {
  if (jwt_leeway_s < 0 || jwt_leeway_s > 600) {
    return InvalidArgument("must be 0..600 seconds", "VOX_JWT_LEEWAY_S");
  }
  if (oauth_token_ttl_s < 60 || oauth_token_ttl_s > 86'400) {
    return InvalidArgument("must be 60..86400 seconds", "VOX_OAUTH_TOKEN_TTL_S");
  }
  if (jwt_issuer == kVoxTokenIssuer) {
    return InvalidArgument("'vox' is the issuer of Vox's own tokens", "VOX_JWT_ISSUER");
  }
  VOX_RETURN_IF_ERROR(ExternalKeys(*this));
  return {};
}

Result<std::vector<JwtKey>> TokenKeys(const AuthConfig& config, std::string_view signing_secret) {
  VOX_ASSIGN_OR_RETURN(auto keys, ExternalKeys(config));
  keys.push_back(VoxTokenKey(signing_secret));
  return keys;
}

}  // namespace vox::api
