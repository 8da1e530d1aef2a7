// PostgresStore: opening, schema, users and API keys. Jobs and the queue live
// in pg_jobs.cc; voices, models, cache and audit in pg_catalog.cc.
#include "store/postgres/pg_store.h"

#include "common/clock.h"
#include "common/uuid.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_rows.h"

namespace vox::store::postgres {

using std::string;

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PoolOptions& options) {
  if (options.max_size < 1) return InvalidArgument("pool size must be >= 1", "VOX_DATABASE_URL");
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::make_unique<Pool>(options)));
  VOX_RETURN_IF_ERROR(store->Ping());
  return store;
}

Status PostgresStore::Migrate() {
  return WithConn([](Connection& c) { return ApplyMigrations(c, NowMs()); });
}

Result<int> PostgresStore::SchemaVersion() {
  return WithConn([](Connection& c) { return CurrentVersion(c); });
}

int PostgresStore::LatestSchemaVersion() const { return LatestVersion(); }

Status PostgresStore::Ping() {
  return WithConn([](Connection& c) -> Status {
    VOX_RETURN_IF_ERROR(c.Query("SELECT 1"));
    return {};
  });
}

// --- users -----------------------------------------------------------------

Result<User> PostgresStore::CreateUser(User user) {
  if (user.id.empty()) user.id = NewUuid();
  if (user.created_at == 0) user.created_at = NowMs();
  return WithConn([&](Connection& c) -> Result<User> {
    VOX_RETURN_IF_ERROR(c.Query(
        "INSERT INTO users (id, name, plan, is_admin, created_at) VALUES ($1, $2, $3, $4, $5)",
        Params()
            .Text(user.id)
            .Text(user.name)
            .Text(user.plan)
            .Bool(user.is_admin)
            .Int(user.created_at)));
    return user;
  });
}

Result<User> PostgresStore::GetUser(const string& id) {
  return WithConn([&](Connection& c) -> Result<User> {
    static const string kSql = string("SELECT ") + kUserColumns + " FROM users WHERE id = $1";
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(kSql, Params().Text(id)));
    if (s.empty()) return NotFound("no user '" + id + "'", "user_id");
    return ReadUser(s, 0);
  });
}

// --- API keys --------------------------------------------------------------

Result<ApiKey> PostgresStore::CreateApiKey(ApiKey key) {
  if (key.key_hash.empty()) return InvalidArgument("an API key needs its hash", "key_hash");
  if (key.id.empty()) key.id = NewUuid();
  if (key.created_at == 0) key.created_at = NowMs();
  return WithConn([&](Connection& c) -> Result<ApiKey> {
    Params p;
    p.Text(key.id).Text(key.user_id).Text(key.name).Text(key.prefix).Text(key.key_hash);
    p.Int(key.created_at).OptInt(key.revoked_at).OptInt(key.last_used_at);
    auto run = c.Query(string("INSERT INTO api_keys (") + kApiKeyColumns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       p);
    if (!run) {
      Error err = run.error();
      if (err.code == ErrorCode::kAlreadyExists) err.message = "an API key with this hash exists";
      if (err.code == ErrorCode::kInvalidArgument) err.field = "user_id";  // the only FK
      return std::unexpected(err);
    }
    return key;
  });
}

Result<ApiKey> PostgresStore::FindApiKeyByHash(const string& key_hash) {
  return WithConn([&](Connection& c) -> Result<ApiKey> {
    static const string kSql =
        string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE key_hash = $1";
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(kSql, Params().Text(key_hash)));
    if (s.empty()) return NotFound("unknown API key");
    return ReadApiKey(s, 0);
  });
}

Result<std::vector<ApiKey>> PostgresStore::ListApiKeys(const std::optional<string>& user_id) {
  return WithConn([&](Connection& c) -> Result<std::vector<ApiKey>> {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kApiKeyColumns +
                                             " FROM api_keys WHERE $1::text IS NULL OR "
                                             "user_id = $1 ORDER BY created_at, id COLLATE \"C\"",
                                         Params().OptText(user_id)));
    std::vector<ApiKey> keys;
    for (int r = 0; r < s.size(); ++r) keys.push_back(ReadApiKey(s, r));
    return keys;
  });
}

Result<ApiKey> PostgresStore::RevokeApiKey(const string& id_or_prefix, int64_t at) {
  if (id_or_prefix.empty()) return InvalidArgument("which key? give its id or prefix", "key");
  if (at == 0) at = NowMs();
  return WithConn([&](Connection& c) -> Result<ApiKey> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(c));
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kApiKeyColumns +
                                             " FROM api_keys WHERE id = $1 OR prefix = $1 "
                                             "LIMIT 2 FOR UPDATE",
                                         Params().Text(id_or_prefix)));
    if (s.empty()) return NotFound("no API key '" + id_or_prefix + "'", "key");
    if (s.size() > 1) {
      return InvalidArgument("prefix '" + id_or_prefix + "' matches several keys; give the id",
                             "key");
    }
    ApiKey key = ReadApiKey(s, 0);
    if (key.revoked_at) return key;  // already revoked: keep the first time
    VOX_RETURN_IF_ERROR(c.Query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2",
                                Params().Int(at).Text(key.id)));
    VOX_RETURN_IF_ERROR(txn.Commit());
    key.revoked_at = at;
    return key;
  });
}

Status PostgresStore::TouchApiKey(const string& id, int64_t at) {
  return WithConn([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2",
                                         Params().Int(at).Text(id)));
    if (s.affected() == 0) return NotFound("no API key '" + id + "'", "key");
    return {};
  });
}

}  // namespace vox::store::postgres
