#include "api/authenticator.h"

#include <spdlog/spdlog.h>

#include "api/api_keys.h"

namespace vox::api {
namespace {
constexpr int64_t kTouchIntervalMs = 60'000;
constexpr size_t kMaxCacheEntries = 10'000;

std::unexpected<Error> Unauthenticated(std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(message), "Authorization");
}

// The admin scope counts only on an admin user's credential.
Principal GrantedTo(const store::User& user, std::string key_id, ScopeSet scopes,
                    std::optional<std::string> project) {
  if (!user.is_admin) scopes = scopes.Without(Scope::kAdmin);
  return Principal{user.id, std::move(key_id), scopes.Has(Scope::kAdmin), scopes,
                   std::move(project)};
}

// Reads `id` through `cache` (guarded by `mutex`), fetching a missing or stale row.
template <typename T, typename Fetch>
Result<T> ThroughCache(std::mutex& mutex, auto& cache, const std::string& id, int64_t now,
                       int64_t ttl_ms, Fetch fetch) {
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(id);
    if (it != cache.end() && now - it->second.fetched_at < ttl_ms) return it->second.row;
  }
  VOX_ASSIGN_OR_RETURN(T row, fetch(id));
  std::lock_guard lock(mutex);
  if (cache.size() >= kMaxCacheEntries) cache.clear();
  cache[id] = {row, now};
  return row;
}

// The scopes a token's "scope" claim names, ignoring names Vox does not know.
ScopeSet TokenScopes(const nlohmann::json& claims) {
  ScopeSet scopes;
  auto it = claims.find("scope");
  if (it == claims.end()) return scopes;
  std::string_view text = it->get_ref<const std::string&>();
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.find(' ', i), text.size());
    if (auto one = ParseScopes(text.substr(i, end - i))) scopes = scopes.Union(*one);
    i = end + 1;
  }
  return scopes;
}

}  // namespace

void Authenticator::Invalidate() {
  std::lock_guard lock(mutex_);
  cache_.clear();
  users_.clear();
  clients_.clear();
}

Result<store::User> Authenticator::CachedUser(const std::string& id) {
  return ThroughCache<store::User>(mutex_, users_, id, clock_.NowMs(), cache_ttl_ms_,
                                   [this](const std::string& i) { return store_.GetUser(i); });
}

Result<store::OAuthClient> Authenticator::CachedClient(const std::string& id) {
  return ThroughCache<store::OAuthClient>(
      mutex_, clients_, id, clock_.NowMs(), cache_ttl_ms_,
      [this](const std::string& i) { return store_.GetOAuthClient(i); });
}

Result<Principal> Authenticator::FromToken(std::string_view token) {
  VOX_ASSIGN_OR_RETURN(VerifiedJwt jwt, tokens_->Verify(token, clock_.NowMs() / 1000));
  const std::string sub = jwt.claims["sub"].get<std::string>();
  auto user = CachedUser(sub);
  if (!user && user.error().code == ErrorCode::kNotFound) {
    return Unauthenticated("invalid token: unknown subject (sub must be a Vox user id)");
  }
  if (!user) return std::unexpected(user.error());
  ScopeSet scopes = TokenScopes(jwt.claims);
  if (!jwt.key->vox_issued) {
    // An external issuer's token: rate limits and logs key on its subject.
    return GrantedTo(*user, "jwt:" + sub.substr(0, 100), scopes, std::nullopt);
  }
  auto client_id = jwt.claims.find("client_id");
  if (client_id == jwt.claims.end() || !client_id->is_string()) {
    return Unauthenticated("invalid token: no client_id");
  }
  auto client = CachedClient(client_id->get<std::string>());
  if (!client && client.error().code != ErrorCode::kNotFound) {
    return std::unexpected(client.error());
  }
  if (!client || client->revoked() || client->user_id != user->id) {
    return Unauthenticated("invalid token: its OAuth client has been revoked");
  }
  auto granted = ParseScopes(client->scopes);
  return GrantedTo(*user, client->id, scopes.Intersect(granted.value_or(ScopeSet())),
                   client->project);
}

Result<Authenticator::Entry> Authenticator::Lookup(const std::string& hash) {
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.fetched_at < cache_ttl_ms_) {
      Entry entry = it->second;
      if (!entry.revoked && now - entry.touched_at >= kTouchIntervalMs) {
        it->second.touched_at = now;
        (void)store_.TouchApiKey(entry.principal.key_id, now);  // best effort
      }
      return entry;
    }
  }
  auto key = store_.FindApiKeyByHash(hash);
  if (!key) {
    if (key.error().code == ErrorCode::kNotFound) return Unauthenticated("unknown API key");
    return std::unexpected(key.error());
  }
  VOX_ASSIGN_OR_RETURN(store::User user, store_.GetUser(key->user_id));
  auto scopes = ParseScopes(key->scopes);
  if (!scopes) {  // only a hand-edited row: grant nothing rather than guess
    spdlog::warn("API key {}: {}; it is granted no scope", key->id, scopes.error().message);
  }
  Entry entry{GrantedTo(user, key->id, scopes.value_or(ScopeSet()), key->project), key->revoked(),
              now, now};
  if (!entry.revoked) (void)store_.TouchApiKey(key->id, now);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // bounded; refills on demand
  cache_[hash] = entry;
  return entry;
}

Result<Principal> Authenticator::Authenticate(std::optional<std::string_view> authorization) {
  if (!authorization) return Unauthenticated("missing Authorization: Bearer <api key> header");
  std::string_view value = *authorization;
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() || value.substr(0, kBearer.size()) != kBearer) {
    return Unauthenticated("Authorization header must be 'Bearer <api key>'");
  }
  std::string_view token = value.substr(kBearer.size());
  if (token.find('.') != std::string_view::npos) {  // API keys have no dots; JWTs have two
    if (tokens_ == nullptr || tokens_->empty()) {
      return Unauthenticated("bearer tokens (JWT) are not accepted: no VOX_JWT_* key is set");
    }
    return FromToken(token);
  }
  if (token.size() > 256) return Unauthenticated("API key is malformed");
  VOX_ASSIGN_OR_RETURN(Entry entry, Lookup(HashApiKey(token)));
  if (entry.revoked) return Unauthenticated("API key has been revoked");
  return entry.principal;
}

Result<Principal> Authenticator::Authorize(std::optional<std::string_view> authorization,
                                           Scope scope) {
  VOX_ASSIGN_OR_RETURN(Principal who, Authenticate(authorization));
  if (!who.scopes.Has(scope)) return std::unexpected(MissingScope(scope));
  return who;
}

}  // namespace vox::api
