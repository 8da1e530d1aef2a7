// One libpq connection with a per-connection cache of prepared statements,
// and the mapping of PostgreSQL errors (SQLSTATE) onto typed DbErrors
// (../sql/sql_backend.h).
//
// Plain libpq, not libpqxx: Debian 12's libpqxx 6.4 predates C++20 and
// throws; libpq's C API returns status codes, which map directly onto
// vox::Result without an exception boundary in every call.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "store/sql/sql_backend.h"

namespace vox::store::postgres {

// A query's result rows (text format). Column accessors take (row, column).
class Rows {
 public:
  explicit Rows(PGresult* res) : res_(res, &PQclear) {}
  int size() const { return PQntuples(res_.get()); }
  int columns() const { return PQnfields(res_.get()); }
  Oid type(int c) const { return PQftype(res_.get(), c); }
  bool empty() const { return size() == 0; }
  // Rows changed by an INSERT/UPDATE/DELETE without RETURNING.
  int64_t affected() const;

  bool IsNull(int r, int c) const { return PQgetisnull(res_.get(), r, c) != 0; }
  std::string Text(int r, int c) const { return PQgetvalue(res_.get(), r, c); }
  std::optional<std::string> OptText(int r, int c) const;
  int64_t Int(int r, int c) const;
  std::optional<int64_t> OptInt(int r, int c) const;
  double Real(int r, int c) const;
  std::optional<double> OptReal(int r, int c) const;
  bool Bool(int r, int c) const;  // PostgreSQL prints booleans as t / f

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> res_;
};

class Connection {
 public:
  // `conninfo` is a libpq URL or key=value string; connect_timeout and
  // statement_timeout bound every wait so a dead server means a quick
  // kUnavailable, not a hang. Errors never contain the conninfo (it may hold
  // a password).
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo,
                                                  int connect_timeout_s, int statement_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a prepared statement (prepared on this connection on first use),
  // with $1, $2, ... placeholders; parameters go as text.
  sql::DbResult<Rows> Query(const std::string& sql, const sql::Params& params = {});
  // Runs one or more statements without parameters (DDL, BEGIN, ...).
  sql::DbStatus Exec(const std::string& sql);

  // True once the server side went away; the pool then discards it.
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  sql::DbError ToError(PGresult* res, std::string_view what) const;

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// Maps a SQLSTATE to its kind: 23505 → kUniqueViolation, 23503 →
// kForeignKeyViolation, other 23xxx and 22xxx → kConstraintViolation;
// connection loss, timeouts, deadlocks, serialization failures → kUnavailable.
sql::DbErrc CodeForSqlState(std::string_view sqlstate);

}  // namespace vox::store::postgres
