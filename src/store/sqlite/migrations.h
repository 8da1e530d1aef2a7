// The SQLite dialect of Vox's schema, as numbered migrations (applied by
// ../sql/migrator.h). The PostgreSQL backend keeps its own list with the same
// numbers and the same tables in its dialect.
#pragma once

#include "store/sql/migrator.h"

namespace vox::store::sqlite {

const sql::Schema& SqliteSchema();

}  // namespace vox::store::sqlite
