#include "api/authenticator.h"

#include "api/api_keys.h"

namespace vox::api {
namespace {
constexpr int64_t kTouchIntervalMs = 60'000;
constexpr size_t kMaxCacheEntries = 10'000;

std::unexpected<Error> Unauthenticated(std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(message), "Authorization");
}
}  // namespace

void Authenticator::Invalidate() {
  std::lock_guard lock(mutex_);
  cache_.clear();
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
  Entry entry{Principal{user.id, key->id, user.is_admin}, key->revoked(), now, now};
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
  if (token.size() > 256) return Unauthenticated("API key is malformed");
  VOX_ASSIGN_OR_RETURN(Entry entry, Lookup(HashApiKey(token)));
  if (entry.revoked) return Unauthenticated("API key has been revoked");
  return entry.principal;
}

}  // namespace vox::api
