// Verifying the audit log's hash chain (audit_chain.h) through the store:
// `vox audit verify` walks it whole, the server's monitor walks only the rows
// appended since its last check.
//
// What a chain cannot show by itself: rows cut off the end, or a rewrite of
// every hash from some row to the end. Comparing the head with one recorded
// earlier (the logged head, the metric) shows both.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/account_store.h"
#include "store/audit_chain.h"

namespace vox::store {

// How far a verification got: through row `last_id`, whose hash is `head`.
struct AuditCursor {
  int64_t last_id = 0;  // 0: before the first row
  std::string head = std::string(kAuditGenesisHash);
  int64_t rows = 0;  // rows verified so far
};

struct AuditVerdict {
  AuditCursor cursor;  // through the last intact row
  bool ok = true;
  int64_t bad_id = 0;   // the first row at fault (its id), when !ok
  std::string problem;  // one sentence naming the row and what happened to it
};

// Verifies the rows after `from`, oldest first, `page` rows per query. When
// `from` is past a row (an earlier verdict's cursor), that row must still be
// there with the same hash. Errors only when the store fails.
Result<AuditVerdict> VerifyAuditChain(AccountStore& store, AuditCursor from = {}, int page = 1000);

}  // namespace vox::store
