// The audit chain's schema step, written once for every dialect.
#pragma once

#include "common/status.h"
#include "store/sql/sql_backend.h"

namespace vox::store::sql {

// Migration 5: hashes every existing audit row in id order, the first from
// the genesis hash (audit_chain.h), inside the migration's transaction.
Status BackfillAuditChain(Session& s);

}  // namespace vox::store::sql
