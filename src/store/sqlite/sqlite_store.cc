// SqliteStore: opening, schema, users and API keys. Jobs and the queue live
// in sqlite_jobs.cc; voices, models, cache and audit in sqlite_catalog.cc.
#include "store/sqlite/sqlite_store.h"

#include "common/clock.h"
#include "common/uuid.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"

namespace vox::store::sqlite {

using std::string;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgument("empty database path", "VOX_DATABASE_URL");
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  VOX_ASSIGN_OR_RETURN(store->writer_,
                       Connection::Open(options.path, false, options.busy_timeout_ms));
  if (options.path != ":memory:") {
    for (int i = 0; i < options.readers; ++i) {
      VOX_ASSIGN_OR_RETURN(auto reader,
                           Connection::Open(options.path, true, options.busy_timeout_ms));
      store->free_readers_.push_back(reader.get());
      store->all_readers_.push_back(std::move(reader));
    }
  }
  return store;
}

Connection* SqliteStore::AcquireReader() {
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return !free_readers_.empty(); });
  Connection* conn = free_readers_.back();
  free_readers_.pop_back();
  return conn;
}

void SqliteStore::ReleaseReader(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    free_readers_.push_back(conn);
  }
  pool_cv_.notify_one();
}

Status SqliteStore::Migrate() {
  return WithWriter([](Connection& c) { return ApplyMigrations(c, NowMs()); });
}

Result<int> SqliteStore::SchemaVersion() {
  return WithWriter([](Connection& c) { return CurrentVersion(c); });
}

int SqliteStore::LatestSchemaVersion() const { return LatestVersion(); }

Status SqliteStore::Ping() {
  return WithReader([](Connection& c) -> Status {
    // Reads the schema page, so a missing or unreadable file shows up here.
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("SELECT COUNT(*) FROM sqlite_master"));
    VOX_RETURN_IF_ERROR(s.Step());
    return {};
  });
}

// --- users -----------------------------------------------------------------

Result<User> SqliteStore::CreateUser(User user) {
  if (user.id.empty()) user.id = NewUuid();
  if (user.created_at == 0) user.created_at = NowMs();
  return WithWriter([&](Connection& c) -> Result<User> {
    VOX_ASSIGN_OR_RETURN(Stmt s,
                         c.Prepare("INSERT INTO users (id, name, plan, is_admin, created_at) "
                                   "VALUES (?, ?, ?, ?, ?)"));
    s.Text(1, user.id).Text(2, user.name).Text(3, user.plan).Int(4, user.is_admin ? 1 : 0);
    VOX_RETURN_IF_ERROR(s.Int(5, user.created_at).Run());
    return user;
  });
}

Result<User> SqliteStore::GetUser(const string& id) {
  return WithReader([&](Connection& c) -> Result<User> {
    static const string kSql = string("SELECT ") + kUserColumns + " FROM users WHERE id = ?";
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(kSql));
    VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, id).Step());
    if (!row) return NotFound("no user '" + id + "'", "user_id");
    return ReadUser(s);
  });
}

// --- API keys --------------------------------------------------------------

Result<ApiKey> SqliteStore::CreateApiKey(ApiKey key) {
  if (key.key_hash.empty()) return InvalidArgument("an API key needs its hash", "key_hash");
  if (key.id.empty()) key.id = NewUuid();
  if (key.created_at == 0) key.created_at = NowMs();
  return WithWriter([&](Connection& c) -> Result<ApiKey> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("INSERT INTO api_keys (") + kApiKeyColumns +
                                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Text(1, key.id).Text(2, key.user_id).Text(3, key.name).Text(4, key.prefix);
    s.Text(5, key.key_hash).Int(6, key.created_at).OptInt(7, key.revoked_at);
    auto run = s.OptInt(8, key.last_used_at).Run();
    if (!run) {
      Error err = run.error();
      if (err.code == ErrorCode::kAlreadyExists) err.message = "an API key with this hash exists";
      if (err.code == ErrorCode::kInvalidArgument) err.field = "user_id";  // the only FK
      return std::unexpected(err);
    }
    return key;
  });
}

Result<ApiKey> SqliteStore::FindApiKeyByHash(const string& key_hash) {
  return WithReader([&](Connection& c) -> Result<ApiKey> {
    static const string kSql =
        string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE key_hash = ?";
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(kSql));
    VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, key_hash).Step());
    if (!row) return NotFound("unknown API key");
    return ReadApiKey(s);
  });
}

Result<std::vector<ApiKey>> SqliteStore::ListApiKeys(const std::optional<string>& user_id) {
  return WithReader([&](Connection& c) -> Result<std::vector<ApiKey>> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kApiKeyColumns +
                                           " FROM api_keys WHERE ?1 IS NULL OR user_id = ?1 "
                                           "ORDER BY created_at, id"));
    s.OptText(1, user_id);
    std::vector<ApiKey> keys;
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      keys.push_back(ReadApiKey(s));
    }
    return keys;
  });
}

Result<ApiKey> SqliteStore::RevokeApiKey(const string& id_or_prefix, int64_t at) {
  if (id_or_prefix.empty()) return InvalidArgument("which key? give its id or prefix", "key");
  if (at == 0) at = NowMs();
  return WithWriter([&](Connection& c) -> Result<ApiKey> {
    VOX_ASSIGN_OR_RETURN(WriteTxn txn, WriteTxn::Begin(c));
    std::vector<ApiKey> matches;
    {
      VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kApiKeyColumns +
                                             " FROM api_keys WHERE id = ?1 OR prefix = ?1 "
                                             "LIMIT 2"));
      s.Text(1, id_or_prefix);
      while (true) {
        VOX_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        matches.push_back(ReadApiKey(s));
      }
    }
    if (matches.empty()) return NotFound("no API key '" + id_or_prefix + "'", "key");
    if (matches.size() > 1) {
      return InvalidArgument("prefix '" + id_or_prefix + "' matches several keys; give the id",
                             "key");
    }
    ApiKey key = matches.front();
    if (key.revoked_at) return key;  // already revoked: keep the first time
    VOX_ASSIGN_OR_RETURN(Stmt u, c.Prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?"));
    VOX_RETURN_IF_ERROR(u.Int(1, at).Text(2, key.id).Run());
    VOX_RETURN_IF_ERROR(txn.Commit());
    key.revoked_at = at;
    return key;
  });
}

Status SqliteStore::TouchApiKey(const string& id, int64_t at) {
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?"));
    VOX_ASSIGN_OR_RETURN(int changed, s.Int(1, at).Text(2, id).Run());
    if (changed == 0) return NotFound("no API key '" + id + "'", "key");
    return {};
  });
}

}  // namespace vox::store::sqlite
