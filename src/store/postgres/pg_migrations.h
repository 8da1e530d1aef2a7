// The PostgreSQL spelling of the Vox schema (the same tables, columns and
// indices as ../sqlite/migrations.cc), applied by ../sql/migrator.h under a
// transaction-scoped advisory lock, so processes migrating at once apply
// each migration exactly once.
#pragma once

#include "store/sql/migrator.h"

namespace vox::store::postgres {

const sql::Schema& PostgresSchema();

}  // namespace vox::store::postgres
