// The SQLite dialect of Vox's schema, as numbered migrations.
//
// A migration is append-only: never edit one that has shipped; add the next
// number. The PostgreSQL backend keeps its own list with the same numbers and
// the same tables in its dialect, so SchemaVersion() means the same on both.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace vox::store::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // one or more statements
};

const std::vector<Migration>& Migrations();
int LatestVersion();

// 0 when schema_migrations does not exist yet.
Result<int> CurrentVersion(Connection& conn);

// Applies each missing migration in its own BEGIN IMMEDIATE transaction (DDL
// is transactional in SQLite), re-reading the version inside it so concurrent
// migrators apply each migration once. `up_to` stops after that version
// (tests build an old database with it, to check upgrades keep the data).
Status ApplyMigrations(Connection& conn, int64_t now_ms, int up_to = LatestVersion());

}  // namespace vox::store::sqlite
