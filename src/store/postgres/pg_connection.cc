#include "store/postgres/pg_connection.h"

#include <charconv>
#include <cstdlib>

namespace vox::store::postgres {

using sql::DbErrc;
using sql::DbError;

namespace {

// A parameter in libpq's text format; nullopt is SQL NULL.
std::optional<std::string> ParamText(const sql::Value& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    // Shortest text that reads back as the same double.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, end);
  }
  if (const auto* t = std::get_if<std::string>(&v)) return *t;
  return std::nullopt;
}

}  // namespace

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(res_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}
std::optional<std::string> Rows::OptText(int r, int c) const {
  if (IsNull(r, c)) return std::nullopt;
  return Text(r, c);
}
int64_t Rows::Int(int r, int c) const {
  return std::strtoll(PQgetvalue(res_.get(), r, c), nullptr, 10);
}
std::optional<int64_t> Rows::OptInt(int r, int c) const {
  if (IsNull(r, c)) return std::nullopt;
  return Int(r, c);
}
double Rows::Real(int r, int c) const {
  const char* s = PQgetvalue(res_.get(), r, c);
  double v = 0;
  std::from_chars(s, s + std::char_traits<char>::length(s), v);
  return v;
}
std::optional<double> Rows::OptReal(int r, int c) const {
  if (IsNull(r, c)) return std::nullopt;
  return Real(r, c);
}
bool Rows::Bool(int r, int c) const { return PQgetvalue(res_.get(), r, c)[0] == 't'; }

DbErrc CodeForSqlState(std::string_view s) {
  if (s == "23505") return DbErrc::kUniqueViolation;
  if (s == "23503") return DbErrc::kForeignKeyViolation;
  // duplicate_database, duplicate_table, duplicate_object: the name is taken.
  if (s == "42P04" || s == "42P07" || s == "42710") return DbErrc::kUniqueViolation;
  if (s.starts_with("23")) return DbErrc::kConstraintViolation;  // other integrity constraints
  if (s.starts_with("22")) return DbErrc::kConstraintViolation;  // data exception
  if (s.starts_with("08") || s.starts_with("53") || s.starts_with("57P") ||
      s == "57014" ||                                  // statement timeout / canceled
      s == "40001" || s == "40P01" || s == "55P03") {  // serialization, deadlock, lock timeout
    return DbErrc::kUnavailable;
  }
  return DbErrc::kInternal;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo,
                                                     int connect_timeout_s,
                                                     int statement_timeout_ms) {
  // Our defaults first: with expand_dbname, settings in the URL that come
  // later override them.
  const std::string timeout = std::to_string(connect_timeout_s);
  const std::string options = "-c statement_timeout=" + std::to_string(statement_timeout_ms);
  const char* keys[] = {"connect_timeout", "options", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), options.c_str(), "vox", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) return Unavailable("PostgreSQL: out of memory opening a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names host and port, never the password.
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return MakeError(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + msg,
                     "VOX_DATABASE_URL");
  }
  // libpq prints server notices to stderr by default; a library stays quiet.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

DbError Connection::ToError(PGresult* res, std::string_view what) const {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  DbErrc code = state ? CodeForSqlState(state) : DbErrc::kInternal;
  // A dead socket: the server went away mid-call (retrying may help).
  if (broken()) code = DbErrc::kUnavailable;
  return DbError{code, "PostgreSQL " + std::string(what) + ": " + msg};
}

sql::DbResult<Rows> Connection::Query(const std::string& sql, const sql::Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "vox_" + std::to_string(prepared_.size());
    PGresult* prep = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
      DbError err = ToError(prep, "prepare");
      PQclear(prep);
      return std::unexpected(err);
    }
    PQclear(prep);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.values().size());
  for (const sql::Value& v : params.values()) texts.push_back(ParamText(v));
  std::vector<const char*> values;
  values.reserve(texts.size());
  for (const auto& v : texts) values.push_back(v ? v->c_str() : nullptr);
  PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    DbError err = ToError(res, "query");
    PQclear(res);
    return std::unexpected(err);
  }
  return Rows(res);
}

sql::DbStatus Connection::Exec(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    DbError err = ToError(res, "statement");
    PQclear(res);
    return std::unexpected(err);
  }
  PQclear(res);
  return {};
}

}  // namespace vox::store::postgres
