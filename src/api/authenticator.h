// Authenticator: `Authorization: Bearer <credential>` → the calling principal.
// The credential is an API key (`vox_…`), or, when `tokens` is given, a JWT
// (jwt.h): one from an external issuer (VOX_JWT_*) or an OAuth2 access token
// Vox issued (oauth_token.h).
//
// A JWT's `sub` must be the id of a Vox user: an unknown subject is refused
// (401), never created on the fly, so an issuer cannot mint accounts. Its
// `scope` names the scopes (names Vox does not know, like "openid", are
// ignored). A Vox-issued token also names its client, which must still exist
// unrevoked (checked through the same 30 s cache as keys); its scopes are
// those of the token still granted to the client.
//
// Lookups are cached by key hash for `cache_ttl_ms`, so the hot GET path does
// not hit the database per request. The price: a key revoked by another
// process (`vox keys revoke`) keeps working for at most that long, which is
// documented in the README. last_used_at is written at most once a minute.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "api/jwt.h"
#include "api/scopes.h"
#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace vox::api {

struct Principal {
  std::string user_id;
  // Who holds the credential: the API key's id. Rate limits, logs and the
  // audit key on it.
  std::string key_id;
  // The admin scope on an admin user's credential (the admin scope alone
  // never makes a non-admin user an admin).
  bool is_admin = false;
  ScopeSet scopes;
  std::optional<std::string> project;  // the key's project, if it has one
};

class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock = Clock::System(),
                int64_t cache_ttl_ms = 30'000, const JwtVerifier* tokens = nullptr)
      : store_(store), clock_(clock), cache_ttl_ms_(cache_ttl_ms), tokens_(tokens) {}

  // `authorization` is the raw header value (nullopt when absent). Errors are
  // kUnauthenticated (field "Authorization") or kUnavailable (database down).
  Result<Principal> Authenticate(std::optional<std::string_view> authorization);
  // Authenticate, then require `scope`: without it, kPermissionDenied with
  // field "scope" and a message naming the missing scope (MissingScope()).
  Result<Principal> Authorize(std::optional<std::string_view> authorization, Scope scope);

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
  Result<Principal> FromToken(std::string_view token);
  // Rows read through a cache with the keys' lifetime (a revoke or a new user
  // is seen within cache_ttl_ms).
  template <typename T>
  struct Timed {
    T row;
    int64_t fetched_at = 0;
  };
  Result<store::User> CachedUser(const std::string& id);
  Result<store::OAuthClient> CachedClient(const std::string& id);

  store::Store& store_;
  const Clock& clock_;
  const int64_t cache_ttl_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
  const JwtVerifier* tokens_;
  std::unordered_map<std::string, Timed<store::User>> users_;
  std::unordered_map<std::string, Timed<store::OAuthClient>> clients_;
};

}  // namespace vox::api
