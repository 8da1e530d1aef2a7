// Applying a dialect's numbered migrations: one runner for every backend.
//
// A migration is append-only: never edit one that has shipped; add the next
// number. Each backend keeps its own list (the same numbers and tables in its
// dialect), so SchemaVersion() means the same on all of them.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "store/sql/sql_backend.h"

namespace vox::store::sql {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // one or more statements
  // Run after `sql` in the same transaction, for what SQL alone cannot do
  // (written once for every dialect, e.g. hashing existing rows).
  Status (*then)(Session&) = nullptr;
};

// A dialect's schema and the statements the runner needs from it.
struct Schema {
  std::vector<Migration> migrations;  // by increasing version
  const char* create_version_table;   // schema_migrations(version, name, applied_at), if absent
  const char* has_version_table;      // one row, first cell nonzero when the table exists
  // Run first in each migration's transaction to serialize migrating
  // processes; nullptr where Begin() already does.
  const char* lock = nullptr;

  int latest() const { return migrations.back().version; }
};

// 0 when schema_migrations does not exist yet.
Result<int> CurrentVersion(Session& s, const Schema& schema);

// Applies each missing migration in its own transaction (DDL is
// transactional in both dialects), re-reading the version inside it so
// concurrent migrators apply each migration once. kFailedPrecondition when
// the database is newer than `schema`. `up_to` stops after that version
// (tests build an old database with it, to check upgrades keep the data).
Status ApplyMigrations(Session& s, const Schema& schema, int64_t now_ms, int up_to);

}  // namespace vox::store::sql
