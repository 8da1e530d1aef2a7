// The small interface between the backend-neutral store (sql_store.h, which
// owns every rule) and a SQL database driver (sqlite/, postgres/, which own
// only what truly differs: the driver, its error codes, and a few fragments of
// dialect).
//
// Statements are written once, with numbered placeholders ?1, ?2, ... (SQLite's
// spelling; the PostgreSQL backend rewrites them to $1, $2, ...). Parameters
// whose type the database cannot infer are cast with standard CAST(?N AS T).
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace vox::store::sql {

// What went wrong in the database, by kind. The rules branch on these, never
// on a driver's message text.
enum class DbErrc {
  kUniqueViolation,      // a unique or primary key already holds the value
  kForeignKeyViolation,  // a referenced row is missing
  kConstraintViolation,  // another constraint (CHECK, NOT NULL) or a malformed value
  kUnavailable,          // busy, locked, timed out, disk full, unreachable: retrying may help
  kInternal,             // anything else: bad SQL, misuse (a bug)
};

struct DbError {
  DbErrc code = DbErrc::kInternal;
  std::string message;

  // The store's contract (store.h): unavailable → kUnavailable, unique →
  // kAlreadyExists, other constraints → kInvalidArgument, else kInternal.
  // Implicit, so VOX_RETURN_IF_ERROR carries a DbError out of a function
  // returning vox::Result.
  operator Error() const;  // NOLINT(google-explicit-constructor)
  std::string ToString() const { return Error(*this).ToString(); }
};

template <typename T>
using DbResult = std::expected<T, DbError>;
using DbStatus = std::expected<void, DbError>;

inline std::unexpected<DbError> MakeDbError(DbErrc code, std::string message) {
  return std::unexpected<DbError>(DbError{code, std::move(message)});
}

// A parameter or a cell: NULL, integer (booleans are 0/1), real or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

class Params {
 public:
  Params& Text(std::string_view v);
  Params& OptText(const std::optional<std::string>& v);
  Params& Int(int64_t v);
  Params& OptInt(const std::optional<int64_t>& v);
  Params& Real(double v);
  Params& OptReal(const std::optional<double>& v);
  Params& Bool(bool v) { return Int(v ? 1 : 0); }
  Params& OptBool(const std::optional<bool>& v);
  Params& Null();

  const std::vector<Value>& values() const { return values_; }

 private:
  std::vector<Value> values_;
};

// A statement's result, read in full. Accessors take (row, column).
class Rows {
 public:
  Rows() = default;
  Rows(int columns, std::vector<Value> cells, int64_t affected)
      : columns_(columns), cells_(std::move(cells)), affected_(affected) {}

  int size() const { return columns_ == 0 ? 0 : static_cast<int>(cells_.size()) / columns_; }
  bool empty() const { return size() == 0; }
  // Rows an INSERT/UPDATE/DELETE changed.
  int64_t affected() const { return affected_; }

  bool IsNull(int r, int c) const { return std::holds_alternative<std::monostate>(At(r, c)); }
  std::string Text(int r, int c) const;
  std::optional<std::string> OptText(int r, int c) const;
  int64_t Int(int r, int c) const;
  std::optional<int64_t> OptInt(int r, int c) const;
  double Real(int r, int c) const;
  std::optional<double> OptReal(int r, int c) const;
  bool Bool(int r, int c) const { return Int(r, c) != 0; }

 private:
  const Value& At(int r, int c) const { return cells_[static_cast<size_t>(r * columns_ + c)]; }

  int columns_ = 0;
  std::vector<Value> cells_;
  int64_t affected_ = 0;
};

// The fragments of SQL that differ between dialects; everything else in the
// store's statements is written once.
struct Dialect {
  // Appended to a SELECT inside a write transaction whose rows are then
  // updated. Empty where the transaction already holds the write lock.
  const char* for_update;
  // Appended to the claim queries' SELECT, so concurrent claimers pass over
  // each other's candidate instead of waiting for it.
  const char* skip_locked;
  // Appended to a text ORDER BY term: byte order whatever the locale.
  const char* byte_order;
  // "a running job that holds a lease", spelled so the planner seeks the
  // partial index on leases.
  const char* leased_and_running;
  // A column increasing in insertion order (tie-break for equal created_at).
  const char* insertion_order;
  // The cheapest statement that proves the database is there and readable.
  const char* ping;
  // Run first in an audit append's transaction so that reading the chain's
  // head and inserting after it is one step for every process; "" where
  // Begin() already serializes writers.
  const char* lock_audit = "";
  // Run first in a capped job creation's transaction (?1: the user id), so that
  // counting a user's jobs and inserting one is one step for every process;
  // "" where Begin() already serializes writers.
  const char* lock_user = "";
};

struct Schema;  // migrator.h

// One connection for one unit of work; not thread-safe.
class Session {
 public:
  virtual ~Session() = default;
  // Runs one statement and reads all of its rows.
  virtual DbResult<Rows> Query(const std::string& sql, const Params& params = {}) = 0;
  // Runs a script of statements without parameters (DDL, locks).
  virtual DbStatus Exec(const std::string& script) = 0;
  // A write transaction: serializable against other writers as the dialect
  // provides (SQLite: BEGIN IMMEDIATE; PostgreSQL: row locks via for_update).
  virtual DbStatus Begin() = 0;
  virtual DbStatus Commit() = 0;
  virtual void Rollback() = 0;
};

// Begin() now; Rollback() on destruction unless Commit() succeeded.
class Txn {
 public:
  static DbResult<Txn> Begin(Session& s);
  Txn(Txn&& other) noexcept : session_(other.session_) { other.session_ = nullptr; }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  Txn& operator=(Txn&&) = delete;
  ~Txn();
  DbStatus Commit();

 private:
  explicit Txn(Session* s) : session_(s) {}
  Session* session_;
};

enum class Access { kRead, kWrite };

// A database: its connections, dialect and schema. Thread-safe.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const Dialect& dialect() const = 0;
  virtual const Schema& schema() const = 0;
  // Runs `fn` on a session. kRead may run on a reader concurrently with a
  // writer (and sees a consistent snapshot); kWrite runs where writes may.
  // Fails only when no connection can be had (kUnavailable).
  virtual Status Run(Access access, const std::function<void(Session&)>& fn) = 0;
};

// Runs `fn(Session&)`, which returns a Result or Status, through
// backend.Run, and returns what it returned (or why it could not run).
template <typename F>
auto RunOn(Backend& backend, Access access, F&& fn) -> decltype(fn(std::declval<Session&>())) {
  std::optional<decltype(fn(std::declval<Session&>()))> out;
  Status ran = backend.Run(access, [&](Session& s) { out.emplace(fn(s)); });
  if (!ran) return std::unexpected(ran.error());
  return std::move(*out);
}

}  // namespace vox::store::sql
