// SqliteBackend: the embedded database behind SqlStore (../sql/sql_store.h).
//
// One writer connection guarded by a mutex (SQLite allows one writer at a
// time anyway; serializing in-process avoids busy-waiting) plus a pool of
// reader connections, so reads such as GetJob run in parallel with each
// other and with a writer (WAL gives each read a consistent snapshot).
// Statements are prepared once per connection and cached. Several processes
// may open the same file: write transactions are BEGIN IMMEDIATE (which is
// why the dialect needs no row locks) and wait up to busy_timeout_ms for the
// file lock before failing with kUnavailable. An in-memory database has no
// readers (a private :memory: database exists only on its one connection):
// everything runs on the writer.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql/sql_backend.h"
#include "store/sqlite/connection.h"

namespace vox::store::sqlite {

struct SqliteOptions {
  std::string path;  // a file path, or ":memory:"
  int readers = 4;
  int busy_timeout_ms = 5000;
};

// A Session on one connection (the caller guards it).
class SqliteSession final : public sql::Session {
 public:
  explicit SqliteSession(Connection& conn) : conn_(conn) {}
  sql::DbResult<sql::Rows> Query(const std::string& sql, const sql::Params& params) override;
  sql::DbStatus Exec(const std::string& script) override { return conn_.Exec(script.c_str()); }
  sql::DbStatus Begin() override { return conn_.Exec("BEGIN IMMEDIATE"); }
  sql::DbStatus Commit() override;
  void Rollback() override { (void)conn_.Exec("ROLLBACK"); }

 private:
  Connection& conn_;
};

class SqliteBackend final : public sql::Backend {
 public:
  static Result<std::unique_ptr<SqliteBackend>> Open(const SqliteOptions& options);

  const sql::Dialect& dialect() const override;
  const sql::Schema& schema() const override;
  Status Run(sql::Access access, const std::function<void(sql::Session&)>& fn) override;

 private:
  SqliteBackend() = default;
  Connection* AcquireReader();
  void ReleaseReader(Connection* conn);

  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> free_readers_;
  std::vector<std::unique_ptr<Connection>> all_readers_;
};

}  // namespace vox::store::sqlite
