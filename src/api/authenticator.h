// Authenticator: `Authorization: Bearer <key>` → the calling principal.
//
// Lookups are cached by key hash for `cache_ttl_ms`, so the hot GET path does
// not hit the database per request. The price: a key revoked by another
// process (`vox keys revoke`) keeps working for at most that long, which is
// documented in the README. last_used_at is written at most once a minute.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace vox::api {

struct Principal {
  std::string user_id;
  std::string key_id;
  bool is_admin = false;
};

class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock = Clock::System(),
                int64_t cache_ttl_ms = 30'000)
      : store_(store), clock_(clock), cache_ttl_ms_(cache_ttl_ms) {}

  // `authorization` is the raw header value (nullopt when absent). Errors are
  // kUnauthenticated (field "Authorization") or kUnavailable (database down).
  Result<Principal> Authenticate(std::optional<std::string_view> authorization);

  // Forgets cached lookups (after a revoke in this process).
  void Invalidate();

 private:
  struct Entry {
    Principal principal;
    bool revoked = false;
    int64_t fetched_at = 0;
    int64_t touched_at = 0;
  };
  Result<Entry> Lookup(const std::string& hash);

  store::Store& store_;
  const Clock& clock_;
  const int64_t cache_ttl_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace vox::api
