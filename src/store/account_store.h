// AccountStore: users, API keys and OAuth2 clients (hashes only), the audit trail.
// Thread-safe; errors as in store.h (typed ErrorCodes, never a driver's text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/types.h"

namespace vox::store {

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // --- users and API keys --------------------------------------------------
  virtual Result<User> CreateUser(User user) = 0;
  virtual Result<User> GetUser(const std::string& id) = 0;

  // kAlreadyExists when key_hash is already stored.
  virtual Result<ApiKey> CreateApiKey(ApiKey key) = 0;
  // Returns the key whether or not it is revoked (revoked_at is set then):
  // the caller decides, so it can log "revoked key used" distinctly from an
  // unknown key. kNotFound when no key has this hash.
  virtual Result<ApiKey> FindApiKeyByHash(const std::string& key_hash) = 0;
  // All keys (revoked included), oldest first; only `user_id`'s when given.
  virtual Result<std::vector<ApiKey>> ListApiKeys(const std::optional<std::string>& user_id) = 0;
  // Revokes the key whose id or prefix equals `id_or_prefix`. Revoking a
  // revoked key keeps its first revoked_at and succeeds. kNotFound when none
  // matches; kInvalidArgument when a prefix matches several keys.
  virtual Result<ApiKey> RevokeApiKey(const std::string& id_or_prefix, int64_t at) = 0;
  // Sets last_used_at. A write: the API should call it at most once a minute
  // per key, not on every request.
  virtual Status TouchApiKey(const std::string& id, int64_t at) = 0;
  // --- OAuth2 clients --------------------------------------------------------
  // kAlreadyExists when the id is taken; kInvalidArgument for an unknown user.
  virtual Result<OAuthClient> CreateOAuthClient(OAuthClient client) = 0;
  // Revoked clients included (revoked_at set). kNotFound when none has this id.
  virtual Result<OAuthClient> GetOAuthClient(const std::string& id) = 0;
  // All clients (revoked included), oldest first.
  virtual Result<std::vector<OAuthClient>> ListOAuthClients() = 0;
  // Revoking a revoked client keeps its first revoked_at. kNotFound when none.
  virtual Result<OAuthClient> RevokeOAuthClient(const std::string& id, int64_t at) = 0;
  // --- audit -----------------------------------------------------------------
  // Appends the event to the hash chain (audit_chain.h): reading the head and
  // inserting are one step however many processes append at once. Returns
  // the event's id.
  virtual Result<int64_t> AppendAudit(AuditEvent event) = 0;
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) = 0;
  // Oldest first: events with id > after_id and, when given, at >= since;
  // at most `limit` (clamped to 1..10000). With their hashes, as stored.
  virtual Result<std::vector<AuditEvent>> ScanAudit(int64_t after_id, std::optional<int64_t> since,
                                                    int limit) = 0;
  // The event whose stored hash is `hash`, if any (not indexed: for
  // diagnosing a broken chain, not for every request).
  virtual Result<std::optional<AuditEvent>> FindAuditByHash(const std::string& hash) = 0;
};

}  // namespace vox::store
