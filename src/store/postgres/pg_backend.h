// PostgresBackend: the scale-out database behind SqlStore (../sql/sql_store.h),
// chosen by VOX_DATABASE_URL=postgresql://...
//
// Every call borrows a connection from a bounded pool (pg_pool.h), runs
// prepared statements on it, and gives it back. Any number of processes may
// share the database: write transactions lock the rows they change (the
// dialect's FOR UPDATE), claims pass over each other's rows (SKIP LOCKED),
// and Migrate serializes on an advisory lock. When the server goes away,
// calls fail fast with kUnavailable and the pool reconnects on a later call.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pg_pool.h"
#include "store/sql/sql_backend.h"

namespace vox::store::postgres {

// A Session on one pooled connection (the caller holds its lease). Rewrites
// the store's ?N placeholders and reads cells by their column type.
class PgSession final : public sql::Session {
 public:
  explicit PgSession(Connection& conn) : conn_(conn) {}
  sql::DbResult<sql::Rows> Query(const std::string& sql, const sql::Params& params) override;
  sql::DbStatus Exec(const std::string& script) override { return conn_.Exec(script); }
  sql::DbStatus Begin() override { return conn_.Exec("BEGIN"); }
  sql::DbStatus Commit() override { return conn_.Exec("COMMIT"); }
  void Rollback() override;

 private:
  Connection& conn_;
};

class PostgresBackend final : public sql::Backend {
 public:
  // Connects once, so a wrong URL or an unreachable server fails here
  // (kUnavailable) rather than on the first request.
  static Result<std::unique_ptr<PostgresBackend>> Open(const PoolOptions& options);

  const sql::Dialect& dialect() const override;
  const sql::Schema& schema() const override;
  Status Run(sql::Access access, const std::function<void(sql::Session&)>& fn) override;

  Pool& pool() { return *pool_; }

 private:
  explicit PostgresBackend(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<Pool> pool_;
};

// The store's ?N placeholders in PostgreSQL's spelling, $N (quoted text and
// identifiers are left alone).
std::string ToPostgresPlaceholders(std::string_view sql);

}  // namespace vox::store::postgres
