#include "api/oauth_token.h"

#include <nlohmann/json.hpp>

#include "api/oauth_clients.h"
#include "api/scopes.h"
#include "common/crypto.h"
#include "http/url.h"

namespace vox::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxCredentialBytes = 256;

http::Response OAuthError(int status, std::string_view error, std::string_view description) {
  http::Response r = http::Json(status, {{"error", error}, {"error_description", description}});
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Pragma", "no-cache");
  if (status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"vox\", charset=\"UTF-8\"");
  return r;
}

http::Response InvalidClient() {
  return OAuthError(401, "invalid_client", "client authentication failed");
}

// "Basic base64(id:secret)" → {id, secret}, each form-decoded; nullopt if malformed.
std::optional<std::pair<std::string, std::string>> BasicCredentials(std::string_view header) {
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size() || header.substr(0, kBasic.size()) != kBasic) {
    return std::nullopt;
  }
  auto decoded = Base64Decode(header.substr(kBasic.size()));
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string id, secret;
  if (!http::PercentDecode(std::string_view(*decoded).substr(0, colon), true, id) ||
      !http::PercentDecode(std::string_view(*decoded).substr(colon + 1), true, secret)) {
    return std::nullopt;
  }
  return std::pair{std::move(id), std::move(secret)};
}

}  // namespace

JwtKey VoxTokenKey(std::string_view signing_secret) {
  JwtKey key;
  key.alg = JwtAlg::kHs256;
  key.kid = "vox-oauth";
  // A key of its own, derived from the secret with a label: a token MAC can
  // never be replayed as an audio URL or webhook signature, or the reverse.
  key.secret = HmacSha256(signing_secret, "vox oauth2 access token key v1");
  key.issuer = kVoxTokenIssuer;
  key.audience = kVoxTokenIssuer;
  key.vox_issued = true;
  return key;
}

http::Response OAuthTokenService::Token(const TokenRequest& request) const {
  if (!request.content_type ||
      !request.content_type->starts_with("application/x-www-form-urlencoded")) {
    return OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  std::vector<std::pair<std::string, std::string>> form;
  if (!http::ParseQuery(request.body, form)) {
    return OAuthError(400, "invalid_request", "malformed form body");
  }
  std::map<std::string, std::string> params;
  for (auto& [name, value] : form) {
    if (!params.emplace(name, value).second) {
      return OAuthError(400, "invalid_request", "parameter '" + name.substr(0, 64) + "' repeated");
    }
  }
  auto param = [&](const char* name) -> std::optional<std::string> {
    auto it = params.find(name);
    return it == params.end() ? std::nullopt : std::optional(it->second);
  };

  std::optional<std::pair<std::string, std::string>> credentials;
  if (request.authorization) {
    credentials = BasicCredentials(*request.authorization);
    if (!credentials) return InvalidClient();
    if (param("client_id") || param("client_secret")) {
      return OAuthError(400, "invalid_request",
                        "authenticate with HTTP Basic or the body's client_secret, not both");
    }
  } else if (param("client_id") && param("client_secret")) {
    credentials = std::pair{*param("client_id"), *param("client_secret")};
  } else {
    return InvalidClient();
  }

  auto grant_type = param("grant_type");
  if (!grant_type) return OAuthError(400, "invalid_request", "grant_type is required");
  if (*grant_type != "client_credentials") {
    return OAuthError(400, "unsupported_grant_type", "only client_credentials is supported");
  }

  const auto& [client_id, secret] = *credentials;
  if (client_id.empty() || client_id.size() > kMaxCredentialBytes ||
      secret.size() > kMaxCredentialBytes) {
    return InvalidClient();
  }
  auto client = store_.GetOAuthClient(client_id);
  if (!client && client.error().code != ErrorCode::kNotFound) {
    http::Response r = OAuthError(503, "temporarily_unavailable", "try again shortly");
    r.headers.Set("Retry-After", "1");
    return r;
  }
  // Hashing even when the client is unknown keeps the answer's timing alike.
  const std::string hash = HashClientSecret(secret);
  if (!client || client->revoked() || !ConstantTimeEquals(hash, client->secret_hash)) {
    return InvalidClient();
  }

  ScopeSet granted = ParseScopes(client->scopes).value_or(ScopeSet());
  if (auto asked = param("scope")) {
    auto scopes = ParseScopes(*asked, "scope");
    if (!scopes) return OAuthError(400, "invalid_scope", scopes.error().message);
    if (!granted.Contains(*scopes)) {
      return OAuthError(400, "invalid_scope", "the client may not have the scope it asked for");
    }
    if (!scopes->empty()) granted = *scopes;
  }
  if (granted.empty()) return OAuthError(400, "invalid_scope", "the client has no scope");

  const int64_t now = clock_.NowMs() / 1000;
  json claims = {{"iss", kVoxTokenIssuer},  {"aud", kVoxTokenIssuer},      {"sub", client->user_id},
                 {"client_id", client->id}, {"scope", granted.ToString()}, {"iat", now},
                 {"exp", now + ttl_s_},     {"jti", RandomToken(16)}};
  http::Response r = http::Json(200, {{"access_token", SignJwtHs256(claims, key_.secret, key_.kid)},
                                      {"token_type", "Bearer"},
                                      {"expires_in", ttl_s_},
                                      {"scope", granted.ToString()}});
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Pragma", "no-cache");
  return r;
}

}  // namespace vox::api
