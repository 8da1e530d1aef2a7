// SqlStore: OAuth2 clients (client credentials grant).
#include <string>

#include "common/clock.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {

using std::string;

Result<OAuthClient> SqlStore::CreateOAuthClient(OAuthClient client) {
  if (client.id.empty() || client.secret_hash.empty()) {
    return InvalidArgument("an OAuth client needs its id and secret hash");
  }
  if (client.created_at == 0) client.created_at = NowMs();
  return Write([&](Session& s) -> Result<OAuthClient> {
    Params p;
    p.Text(client.id).Text(client.user_id).Text(client.name).Text(client.secret_hash);
    p.Text(client.scopes).OptText(client.project).Int(client.created_at).OptInt(client.revoked_at);
    auto run = s.Query(string("INSERT INTO oauth_clients (") + kOAuthClientColumns +
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       p);
    if (!run && run.error().code == DbErrc::kUniqueViolation) {
      return MakeError(ErrorCode::kAlreadyExists, "an OAuth client with this id exists");
    }
    if (!run && run.error().code == DbErrc::kForeignKeyViolation) {
      return InvalidArgument("no user '" + client.user_id + "' to own the client");
    }
    if (!run) return std::unexpected(run.error());
    return client;
  });
}

Result<OAuthClient> SqlStore::GetOAuthClient(const string& id) {
  return Read([&](Session& s) -> Result<OAuthClient> {
    static const string kSql =
        string("SELECT ") + kOAuthClientColumns + " FROM oauth_clients WHERE id = ?1";
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(kSql, Params().Text(id)));
    if (rows.empty()) return NotFound("no OAuth client '" + id + "'");
    return ReadOAuthClient(rows, 0);
  });
}

Result<std::vector<OAuthClient>> SqlStore::ListOAuthClients() {
  return Read([&](Session& s) -> Result<std::vector<OAuthClient>> {
    VOX_ASSIGN_OR_RETURN(
        Rows rows, s.Query(string("SELECT ") + kOAuthClientColumns +
                           " FROM oauth_clients ORDER BY created_at, id" + dialect().byte_order));
    std::vector<OAuthClient> clients;
    for (int r = 0; r < rows.size(); ++r) clients.push_back(ReadOAuthClient(rows, r));
    return clients;
  });
}

Result<OAuthClient> SqlStore::RevokeOAuthClient(const string& id, int64_t at) {
  if (at == 0) at = NowMs();
  return Write([&](Session& s) -> Result<OAuthClient> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT ") + kOAuthClientColumns +
                                     " FROM oauth_clients WHERE id = ?1" + dialect().for_update,
                                 Params().Text(id)));
    if (rows.empty()) return NotFound("no OAuth client '" + id + "'");
    OAuthClient client = ReadOAuthClient(rows, 0);
    if (client.revoked_at) return client;  // already revoked: keep the first time
    VOX_RETURN_IF_ERROR(s.Query("UPDATE oauth_clients SET revoked_at = ?1 WHERE id = ?2",
                                Params().Int(at).Text(id)));
    VOX_RETURN_IF_ERROR(txn.Commit());
    client.revoked_at = at;
    return client;
  });
}

}  // namespace vox::store::sql
