#include "store/audit_verify.h"

#include <optional>
#include <vector>

namespace vox::store {
namespace {

std::string Row(int64_t id) { return "row " + std::to_string(id); }

AuditVerdict Broken(const AuditCursor& at, int64_t bad_id, std::string problem) {
  return AuditVerdict{.cursor = at, .ok = false, .bad_id = bad_id, .problem = std::move(problem)};
}

// Row `x` does not chain from the row before it (`at`, the last intact row).
// Which tampering it was shows in where x's prev_hash points.
Result<AuditVerdict> DiagnoseBrokenLink(AccountStore& store, const AuditCursor& at,
                                        const AuditEvent& x) {
  if (AuditRowHash(x.prev_hash, x) != x.hash) {
    return Broken(at, x.id, Row(x.id) + " was edited: its content no longer matches its hash");
  }
  const std::string before = at.last_id == 0 ? "the start" : Row(at.last_id);
  VOX_ASSIGN_OR_RETURN(std::optional<AuditEvent> parent, store.FindAuditByHash(x.prev_hash));
  if (parent && parent->id > x.id) {
    return Broken(at, x.id,
                  Row(x.id) + " is out of order: it chains from " + Row(parent->id) +
                      ", which comes after it (rows were reordered)");
  }
  if (parent) {
    return Broken(at, x.id,
                  Row(x.id) + " chains from " + Row(parent->id) + ", not from " + before +
                      " before it (rows were reordered or inserted)");
  }
  return Broken(at, x.id,
                "rows were deleted between " + before + " and " + Row(x.id) + " (" + Row(x.id) +
                    " chains from a hash no row has; or the row it followed was rewritten)");
}

}  // namespace

Result<AuditVerdict> VerifyAuditChain(AccountStore& store, AuditCursor from, int page) {
  AuditVerdict verdict;
  verdict.cursor = std::move(from);
  AuditCursor& at = verdict.cursor;
  if (at.last_id > 0) {
    VOX_ASSIGN_OR_RETURN(auto last, store.ScanAudit(at.last_id - 1, std::nullopt, 1));
    if (last.empty() || last[0].id != at.last_id || last[0].hash != at.head ||
        AuditRowHash(last[0].prev_hash, last[0]) != at.head) {
      return Broken(at, at.last_id,
                    Row(at.last_id) + ", verified before as the head " + at.head +
                        ", was deleted or changed since");
    }
  }
  while (true) {
    VOX_ASSIGN_OR_RETURN(std::vector<AuditEvent> rows,
                         store.ScanAudit(at.last_id, std::nullopt, page));
    for (const AuditEvent& row : rows) {
      if (row.prev_hash != at.head) return DiagnoseBrokenLink(store, at, row);
      if (AuditRowHash(row.prev_hash, row) != row.hash) {
        return Broken(at, row.id,
                      Row(row.id) + " was edited: its content no longer matches its hash");
      }
      at.last_id = row.id;
      at.head = row.hash;
      ++at.rows;
    }
    if (static_cast<int>(rows.size()) < page) return verdict;
  }
}

}  // namespace vox::store
