#include "store/sql/migrator.h"

#include <string>

namespace vox::store::sql {

Result<int> CurrentVersion(Session& s, const Schema& schema) {
  VOX_ASSIGN_OR_RETURN(Rows exists, s.Query(schema.has_version_table));
  if (exists.empty() || exists.Int(0, 0) == 0) return 0;
  VOX_ASSIGN_OR_RETURN(Rows max, s.Query("SELECT COALESCE(MAX(version), 0) FROM "
                                         "schema_migrations"));
  return max.empty() ? 0 : static_cast<int>(max.Int(0, 0));
}

Status ApplyMigrations(Session& s, const Schema& schema, int64_t now_ms, int up_to) {
  for (const Migration& m : schema.migrations) {
    if (m.version > up_to) break;
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    if (schema.lock != nullptr) VOX_RETURN_IF_ERROR(s.Exec(schema.lock));
    VOX_RETURN_IF_ERROR(s.Exec(schema.create_version_table));
    VOX_ASSIGN_OR_RETURN(int current, CurrentVersion(s, schema));
    if (current > schema.latest()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "database schema version " + std::to_string(current) +
                           " is newer than this binary's " + std::to_string(schema.latest()) +
                           "; upgrade vox");
    }
    if (current >= m.version) continue;  // txn rolls back: nothing was written
    Status st = s.Exec(m.sql);
    if (st && m.then != nullptr) st = m.then(s);
    if (!st) {
      Error err = st.error();
      err.message = "migration " + std::to_string(m.version) + " (" + m.name + "): " + err.message;
      return std::unexpected(err);
    }
    VOX_RETURN_IF_ERROR(
        s.Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                Params().Int(m.version).Text(m.name).Int(now_ms)));
    VOX_RETURN_IF_ERROR(txn.Commit());
  }
  return {};
}

}  // namespace vox::store::sql
