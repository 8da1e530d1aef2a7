// A thin RAII layer over one sqlite3 connection: opening with Vox's pragmas,
// a per-connection cache of prepared statements, typed binding and reading,
// and mapping of SQLite result codes to typed DbErrors (sql/sql_backend.h).
//
// A Connection is NOT thread-safe (it is opened in SQLite's multi-thread
// mode, without SQLite's own mutex); SqliteBackend guards each one.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "store/sql/sql_backend.h"

namespace vox::store::sqlite {

using sql::DbErrc;
using sql::DbError;
template <typename T>
using DbResult = sql::DbResult<T>;
using sql::DbStatus;

// Maps a SQLite result code to a typed DbError: BUSY/LOCKED/IO/FULL/CANTOPEN
// → kUnavailable, UNIQUE/PRIMARYKEY → kUniqueViolation, FOREIGNKEY →
// kForeignKeyViolation, other CONSTRAINT → kConstraintViolation, anything
// else → kInternal. `what` says what we were doing.
sql::DbError SqliteError(sqlite3* db, int rc, std::string_view what);

// A borrowed, cached prepared statement; reset (bindings cleared) on destruction
// so the next user starts clean. Bind indexes and column indexes are 1- and
// 0-based, as in SQLite.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& Text(int i, std::string_view v);
  Stmt& OptText(int i, const std::optional<std::string>& v);  // NULL for nullopt
  Stmt& Int(int i, int64_t v);
  Stmt& OptInt(int i, const std::optional<int64_t>& v);
  Stmt& Real(int i, double v);
  Stmt& OptReal(int i, const std::optional<double>& v);
  Stmt& Null(int i);

  // Steps once: true when a row is available, false when done.
  sql::DbResult<bool> Step();
  // Steps to completion, ignoring rows; returns the number of rows changed.
  sql::DbResult<int> Run();

  std::string ColText(int c) const;
  int64_t ColInt(int c) const;
  double ColReal(int c) const;
  bool ColIsNull(int c) const;
  std::optional<std::string> ColOptText(int c) const;
  std::optional<int64_t> ColOptInt(int c) const;
  std::optional<double> ColOptReal(int c) const;
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  // The cell as its storage class: NULL, integer, real or text (blobs as text).
  sql::Value ColValue(int c) const;
  // Rows the last run of this statement changed; 0 for a read.
  int64_t Changes() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating if needed) `path` and applies the pragmas: WAL,
  // foreign_keys, busy_timeout, synchronous=NORMAL. `path` ":memory:" opens a
  // private in-memory database. `query_only` marks a reader connection.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool query_only,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached statement for `sql` (prepared on first use). `sql` must be a
  // single statement. Never hold two Stmt of the same SQL at once.
  sql::DbResult<Stmt> Prepare(const std::string& sql);
  // Runs one or more statements without caching (DDL, BEGIN/COMMIT).
  sql::DbStatus Exec(const char* sql);

  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace vox::store::sqlite
