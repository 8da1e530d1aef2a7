// The PostgreSQL spelling of the Vox schema (the same tables, columns and
// indices as src/store/sqlite/migrations.cc) and the code that applies it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_connection.h"

namespace vox::store::postgres {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& Migrations();
int LatestVersion();
// 0 when schema_migrations does not exist yet.
Result<int> CurrentVersion(Connection& conn);
// Applies the missing migrations, each in its own transaction that first
// takes a transaction-scoped advisory lock, so processes migrating at once
// apply each migration exactly once. `up_to` stops after that version
// (tests build an old database with it, to check upgrades keep the data).
Status ApplyMigrations(Connection& conn, int64_t now_ms, int up_to = LatestVersion());

}  // namespace vox::store::postgres
