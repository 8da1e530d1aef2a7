// A consistent copy of a live SQLite database, and the check a restore runs.
#pragma once

#include <string>

#include "common/status.h"

namespace vox::backup {

// Copies the database at `db_path` to `out_path` with SQLite's online backup
// API: one read transaction, so the copy is the database as of one commit
// even while other processes write (WAL or rollback journal alike).
Status SnapshotSqlite(const std::string& db_path, const std::string& out_path);

// `PRAGMA integrity_check` on the file (opened read-write, so a WAL-mode file
// leaves no -wal/-shm behind): ok, or the first problem it reports.
Status CheckSqliteIntegrity(const std::string& db_path);

}  // namespace vox::backup
