// SqlStore: the audit trail, a hash chain (audit_chain.h).
#include "store/sql/sql_audit.h"

#include <algorithm>
#include <string>

#include "common/clock.h"
#include "store/audit_chain.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {

using std::string;

namespace {

// The hash of the newest row, or the genesis hash of an empty log. The
// caller holds the audit lock, so no row can be appended behind its back.
Result<string> ChainHead(Session& s) {
  VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT hash FROM audit ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return string(kAuditGenesisHash);
  return rows.Text(0, 0);
}

}  // namespace

Status BackfillAuditChain(Session& s) {
  constexpr int kPage = 1000;
  string head(kAuditGenesisHash);
  int64_t after = 0;
  while (true) {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kAuditColumns +
                                                " FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2",
                                            Params().Int(after).Int(kPage)));
    for (int r = 0; r < rows.size(); ++r) {
      AuditEvent e = ReadAuditEvent(rows, r);
      string hash = AuditRowHash(head, e);
      VOX_RETURN_IF_ERROR(s.Query("UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
                                  Params().Text(head).Text(hash).Int(e.id)));
      head = std::move(hash);
      after = e.id;
    }
    if (rows.size() < kPage) return {};
  }
}

Result<int64_t> SqlStore::AppendAudit(AuditEvent e) {
  if (e.action.empty()) return InvalidArgument("an audit event needs an action");
  if (e.at == 0) e.at = NowMs();
  return Write([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    if (*dialect().lock_audit != '\0') VOX_RETURN_IF_ERROR(s.Exec(dialect().lock_audit));
    VOX_ASSIGN_OR_RETURN(e.prev_hash, ChainHead(s));
    e.hash = AuditRowHash(e.prev_hash, e);
    Params p;
    p.Int(e.at).OptText(e.actor_user_id).OptText(e.actor_key_id).Text(e.action);
    p.Text(e.target_type).Text(e.target_id).Text(e.request_id).Text(e.detail);
    p.Text(e.prev_hash).Text(e.hash);
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query("INSERT INTO audit (at, actor_user_id, actor_key_id, action, "
                                 "target_type, target_id, request_id, detail, prev_hash, hash) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                                 p));
    if (rows.empty()) return Internal("audit insert returned no id");
    VOX_RETURN_IF_ERROR(txn.Commit());
    return rows.Int(0, 0);
  });
}

Result<std::vector<AuditEvent>> SqlStore::ListAudit(const AuditQuery& q) {
  const int limit = std::clamp(q.limit, 1, 10000);
  return Read([&](Session& s) -> Result<std::vector<AuditEvent>> {
    Params p;
    p.OptText(q.actor_user_id).OptText(q.action).OptText(q.target_type);
    p.OptText(q.target_id).OptInt(q.before_id).Int(limit);
    VOX_ASSIGN_OR_RETURN(
        Rows rows,
        s.Query(string("SELECT ") + kAuditColumns +
                    " FROM audit WHERE (CAST(?1 AS TEXT) IS NULL OR actor_user_id = ?1) AND "
                    "(CAST(?2 AS TEXT) IS NULL OR action = ?2) AND "
                    "(CAST(?3 AS TEXT) IS NULL OR target_type = ?3) AND "
                    "(CAST(?4 AS TEXT) IS NULL OR target_id = ?4) AND "
                    "(CAST(?5 AS BIGINT) IS NULL OR id < ?5) ORDER BY id DESC LIMIT ?6",
                p));
    std::vector<AuditEvent> events;
    for (int r = 0; r < rows.size(); ++r) events.push_back(ReadAuditEvent(rows, r));
    return events;
  });
}

Result<std::vector<AuditEvent>> SqlStore::ScanAudit(int64_t after_id, std::optional<int64_t> since,
                                                    int limit) {
  limit = std::clamp(limit, 1, 10000);
  return Read([&](Session& s) -> Result<std::vector<AuditEvent>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kAuditColumns +
                                                " FROM audit WHERE id > ?1 AND "
                                                "(CAST(?2 AS BIGINT) IS NULL OR at >= ?2) "
                                                "ORDER BY id LIMIT ?3",
                                            Params().Int(after_id).OptInt(since).Int(limit)));
    std::vector<AuditEvent> events;
    for (int r = 0; r < rows.size(); ++r) events.push_back(ReadAuditEvent(rows, r));
    return events;
  });
}

Result<std::optional<AuditEvent>> SqlStore::FindAuditByHash(const string& hash) {
  return Read([&](Session& s) -> Result<std::optional<AuditEvent>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kAuditColumns +
                                                " FROM audit WHERE hash = ?1 ORDER BY id LIMIT 1",
                                            Params().Text(hash)));
    if (rows.empty()) return std::optional<AuditEvent>();
    return std::optional<AuditEvent>(ReadAuditEvent(rows, 0));
  });
}

}  // namespace vox::store::sql
