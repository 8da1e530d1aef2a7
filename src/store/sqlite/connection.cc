#include "store/sqlite/connection.h"

#include <string>

namespace vox::store::sqlite {

using sql::DbErrc;
using sql::DbError;

DbError SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = std::string(what) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
      return DbError{DbErrc::kUnavailable, message};
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return DbError{DbErrc::kUniqueViolation, message};
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return DbError{DbErrc::kForeignKeyViolation, message};
      return DbError{DbErrc::kConstraintViolation, message};
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return DbError{DbErrc::kConstraintViolation, message};
    default:
      return DbError{DbErrc::kInternal, message};
  }
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Stmt& Stmt::Text(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::OptText(int i, const std::optional<std::string>& v) {
  return v ? Text(i, std::string_view(*v)) : Null(i);
}
Stmt& Stmt::Int(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::OptInt(int i, const std::optional<int64_t>& v) { return v ? Int(i, *v) : Null(i); }
Stmt& Stmt::Real(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt& Stmt::OptReal(int i, const std::optional<double>& v) { return v ? Real(i, *v) : Null(i); }
Stmt& Stmt::Null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

sql::DbResult<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // sqlite3_step returns the extended code (we enable extended result codes).
  return std::unexpected(SqliteError(db_, rc, "sqlite step"));
}

sql::DbResult<int> Stmt::Run() {
  while (true) {
    VOX_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
  }
  return sqlite3_changes(db_);
}

std::string Stmt::ColText(int c) const {
  const unsigned char* p = sqlite3_column_text(stmt_, c);
  int n = sqlite3_column_bytes(stmt_, c);
  return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
                      : std::string();
}
int64_t Stmt::ColInt(int c) const { return sqlite3_column_int64(stmt_, c); }
double Stmt::ColReal(int c) const { return sqlite3_column_double(stmt_, c); }
bool Stmt::ColIsNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
std::optional<std::string> Stmt::ColOptText(int c) const {
  if (ColIsNull(c)) return std::nullopt;
  return ColText(c);
}
std::optional<int64_t> Stmt::ColOptInt(int c) const {
  if (ColIsNull(c)) return std::nullopt;
  return ColInt(c);
}
std::optional<double> Stmt::ColOptReal(int c) const {
  if (ColIsNull(c)) return std::nullopt;
  return ColReal(c);
}

sql::Value Stmt::ColValue(int c) const {
  switch (sqlite3_column_type(stmt_, c)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return ColInt(c);
    case SQLITE_FLOAT:
      return ColReal(c);
    default:
      return ColText(c);
  }
}

int64_t Stmt::Changes() const { return sqlite3_stmt_readonly(stmt_) ? 0 : sqlite3_changes(db_); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool query_only,
                                                     int busy_timeout_ms) {
  sqlite3* db = nullptr;
  // NOMUTEX: each Connection is used by one thread at a time (the store's
  // mutexes), so SQLite's own per-connection mutex would be pure overhead.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error err = SqliteError(db, rc, "cannot open database '" + path + "'");
    err.code = ErrorCode::kUnavailable;
    sqlite3_close_v2(db);
    return std::unexpected(err);
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // WAL: readers never block the writer nor each other. NORMAL sync is safe
  // in WAL mode (a power loss may drop the last commits, never corrupt).
  // journal_mode is persistent, so only the writer needs to set it.
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
  if (query_only) {
    pragmas += "PRAGMA query_only=ON;";
  } else if (path != ":memory:") {
    pragmas += "PRAGMA journal_mode=WAL;";
  }
  VOX_RETURN_IF_ERROR(conn->Exec(pragmas.c_str()));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

sql::DbResult<Stmt> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, "sqlite prepare"));
    it = cache_.emplace(sql, stmt).first;
  }
  return Stmt(db_, it->second);
}

sql::DbStatus Connection::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);  // sqlite3_errmsg(db_) carries the same text
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, "sqlite exec"));
  return {};
}

}  // namespace vox::store::sqlite
