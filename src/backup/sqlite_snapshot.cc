#include "backup/sqlite_snapshot.h"

#include <sqlite3.h>

#include <memory>

namespace vox::backup {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

Result<Db> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  // A writer holding the lock briefly must not fail the backup.
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

}  // namespace

Status SnapshotSqlite(const std::string& db_path, const std::string& out_path) {
  auto src = Open(db_path, SQLITE_OPEN_READONLY);
  if (!src) return std::unexpected(src.error());
  auto dst = Open(out_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst) return std::unexpected(dst.error());
  sqlite3_backup* step = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (step == nullptr) return Internal("sqlite backup: " + std::string(sqlite3_errmsg(dst->get())));
  // All pages in one step: one read transaction, so no writer can slip in
  // between pages and force a restart.
  int rc = sqlite3_backup_step(step, -1);
  sqlite3_backup_finish(step);
  if (rc != SQLITE_DONE) {
    return MakeError(ErrorCode::kUnavailable,
                     "sqlite backup of " + db_path + ": " + sqlite3_errstr(rc));
  }
  return {};
}

Status CheckSqliteIntegrity(const std::string& db_path) {
  // Read-write although it only reads: a WAL-mode database opened read-only
  // leaves its -wal and -shm files behind when it closes.
  auto db = Open(db_path, SQLITE_OPEN_READWRITE);
  if (!db) return std::unexpected(db.error());
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db->get(), "PRAGMA integrity_check", -1, &stmt, nullptr) != SQLITE_OK) {
    return InvalidArgument("the database is not SQLite: " + std::string(sqlite3_errmsg(db->get())));
  }
  std::string first;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) first = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  std::string error = rc == SQLITE_ROW ? "" : sqlite3_errmsg(db->get());
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return InvalidArgument("the database is not readable: " + error);
  if (first != "ok") return InvalidArgument("the database fails its integrity check: " + first);
  return {};
}

}  // namespace vox::backup
