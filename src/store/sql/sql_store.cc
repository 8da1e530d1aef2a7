// SqlStore: the schema, users and API keys.
#include "store/sql/sql_store.h"

#include <algorithm>
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/sql/migrator.h"
#include "store/sql/sql_rows.h"

namespace vox::store::sql {

using std::string;

// --- schema ------------------------------------------------------------------

Status SqlStore::Migrate() {
  const Schema& schema = backend_->schema();
  return Write([&](Session& s) { return ApplyMigrations(s, schema, NowMs(), schema.latest()); });
}

Result<int> SqlStore::SchemaVersion() {
  return Write([&](Session& s) { return CurrentVersion(s, backend_->schema()); });
}

int SqlStore::LatestSchemaVersion() const { return backend_->schema().latest(); }

Status SqlStore::Ping() {
  return Read([&](Session& s) -> Status {
    VOX_RETURN_IF_ERROR(s.Query(dialect().ping));
    return {};
  });
}

// --- users -----------------------------------------------------------------

Result<User> SqlStore::CreateUser(User user) {
  if (user.id.empty()) user.id = NewUuid();
  if (user.created_at == 0) user.created_at = NowMs();
  return Write([&](Session& s) -> Result<User> {
    VOX_RETURN_IF_ERROR(
        s.Query(string("INSERT INTO users (") + kUserColumns + ") VALUES (?1, ?2, ?3, ?4, ?5)",
                Params()
                    .Text(user.id)
                    .Text(user.name)
                    .Text(user.plan)
                    .Bool(user.is_admin)
                    .Int(user.created_at)));
    return user;
  });
}

Result<User> SqlStore::GetUser(const string& id) {
  return Read([&](Session& s) -> Result<User> {
    static const string kSql = string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1";
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(kSql, Params().Text(id)));
    if (rows.empty()) return NotFound("no user '" + id + "'");
    return ReadUser(rows, 0);
  });
}

// --- API keys --------------------------------------------------------------

Result<ApiKey> SqlStore::CreateApiKey(ApiKey key) {
  if (key.key_hash.empty()) return InvalidArgument("an API key needs its hash");
  if (key.id.empty()) key.id = NewUuid();
  if (key.created_at == 0) key.created_at = NowMs();
  return Write([&](Session& s) -> Result<ApiKey> {
    Params p;
    p.Text(key.id).Text(key.user_id).Text(key.name).Text(key.prefix).Text(key.key_hash);
    p.Int(key.created_at).OptInt(key.revoked_at).OptInt(key.last_used_at);
    p.Text(key.scopes).OptText(key.project);
    auto run = s.Query(string("INSERT INTO api_keys (") + kApiKeyColumns +
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                       p);
    if (!run && run.error().code == DbErrc::kUniqueViolation) {
      return MakeError(ErrorCode::kAlreadyExists, "an API key with this hash exists");
    }
    if (!run && run.error().code == DbErrc::kForeignKeyViolation) {
      return InvalidArgument("no user '" + key.user_id + "' to own the key");
    }
    if (!run) return std::unexpected(run.error());
    return key;
  });
}

Result<ApiKey> SqlStore::FindApiKeyByHash(const string& key_hash) {
  return Read([&](Session& s) -> Result<ApiKey> {
    static const string kSql =
        string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE key_hash = ?1";
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(kSql, Params().Text(key_hash)));
    if (rows.empty()) return NotFound("unknown API key");
    return ReadApiKey(rows, 0);
  });
}

Result<std::vector<ApiKey>> SqlStore::ListApiKeys(const std::optional<string>& user_id) {
  return Read([&](Session& s) -> Result<std::vector<ApiKey>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kApiKeyColumns +
                                                " FROM api_keys WHERE CAST(?1 AS TEXT) IS NULL "
                                                "OR user_id = ?1 ORDER BY created_at, id" +
                                                dialect().byte_order,
                                            Params().OptText(user_id)));
    std::vector<ApiKey> keys;
    for (int r = 0; r < rows.size(); ++r) keys.push_back(ReadApiKey(rows, r));
    return keys;
  });
}

Result<ApiKey> SqlStore::RevokeApiKey(const string& id_or_prefix, int64_t at) {
  if (id_or_prefix.empty()) return InvalidArgument("which key? give its id or prefix");
  if (at == 0) at = NowMs();
  return Write([&](Session& s) -> Result<ApiKey> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kApiKeyColumns +
                                                " FROM api_keys WHERE id = ?1 OR prefix = ?1 "
                                                "LIMIT 2" +
                                                dialect().for_update,
                                            Params().Text(id_or_prefix)));
    if (rows.empty()) return NotFound("no API key '" + id_or_prefix + "'");
    if (rows.size() > 1) {
      return InvalidArgument("prefix '" + id_or_prefix + "' matches several keys; give the id");
    }
    ApiKey key = ReadApiKey(rows, 0);
    if (key.revoked_at) return key;  // already revoked: keep the first time
    VOX_RETURN_IF_ERROR(s.Query("UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2",
                                Params().Int(at).Text(key.id)));
    VOX_RETURN_IF_ERROR(txn.Commit());
    key.revoked_at = at;
    return key;
  });
}

Status SqlStore::TouchApiKey(const string& id, int64_t at) {
  return Write([&](Session& s) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2",
                                            Params().Int(at).Text(id)));
    if (rows.affected() == 0) return NotFound("no API key '" + id + "'");
    return {};
  });
}

}  // namespace vox::store::sql
