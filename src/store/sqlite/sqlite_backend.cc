#include "store/sqlite/sqlite_backend.h"

#include "store/sqlite/migrations.h"

namespace vox::store::sqlite {
namespace {

using sql::Params;
using sql::Rows;
using sql::Value;

// "+status": the unary plus stops SQLite from scanning jobs_status for every
// running job, so lease queries seek the small partial index jobs_lease.
constexpr sql::Dialect kDialect = {
    .for_update = "",
    .skip_locked = "",
    .byte_order = "",  // SQLite's default collation is already byte order
    .leased_and_running =
        "lease_expires_at IS NOT NULL AND +status IN "
        "('picked', 'preprocessing', 'inference', 'vocoding', 'uploading')",
    .insertion_order = "rowid",
    .ping = "SELECT COUNT(*) FROM sqlite_master",  // reads the schema page: the file is there
};

}  // namespace

sql::DbResult<Rows> SqliteSession::Query(const std::string& text, const Params& params) {
  VOX_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(text));
  int i = 0;
  for (const Value& v : params.values()) {
    ++i;
    if (const auto* n = std::get_if<int64_t>(&v)) {
      s.Int(i, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      s.Real(i, *d);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
      s.Text(i, *t);
    } else {
      s.Null(i);
    }
  }
  const int columns = s.ColumnCount();
  std::vector<Value> cells;
  while (true) {
    VOX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    for (int c = 0; c < columns; ++c) cells.push_back(s.ColValue(c));
  }
  return Rows(columns, std::move(cells), s.Changes());
}

sql::DbStatus SqliteSession::Commit() {
  auto st = conn_.Exec("COMMIT");
  if (!st) (void)conn_.Exec("ROLLBACK");  // COMMIT can fail with BUSY and leave the txn open
  return st;
}

Result<std::unique_ptr<SqliteBackend>> SqliteBackend::Open(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgument("empty database path", "VOX_DATABASE_URL");
  std::unique_ptr<SqliteBackend> backend(new SqliteBackend());
  VOX_ASSIGN_OR_RETURN(backend->writer_,
                       Connection::Open(options.path, false, options.busy_timeout_ms));
  if (options.path != ":memory:") {
    for (int i = 0; i < options.readers; ++i) {
      VOX_ASSIGN_OR_RETURN(auto reader,
                           Connection::Open(options.path, true, options.busy_timeout_ms));
      backend->free_readers_.push_back(reader.get());
      backend->all_readers_.push_back(std::move(reader));
    }
  }
  return backend;
}

const sql::Dialect& SqliteBackend::dialect() const { return kDialect; }
const sql::Schema& SqliteBackend::schema() const { return SqliteSchema(); }

Status SqliteBackend::Run(sql::Access access, const std::function<void(sql::Session&)>& fn) {
  if (access == sql::Access::kWrite || all_readers_.empty()) {
    std::lock_guard<std::mutex> lock(write_mu_);
    SqliteSession session(*writer_);
    fn(session);
    return {};
  }
  Connection* reader = AcquireReader();
  struct Release {
    SqliteBackend* backend;
    Connection* conn;
    ~Release() { backend->ReleaseReader(conn); }
  } release{this, reader};
  SqliteSession session(*reader);
  fn(session);
  return {};
}

Connection* SqliteBackend::AcquireReader() {
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return !free_readers_.empty(); });
  Connection* conn = free_readers_.back();
  free_readers_.pop_back();
  return conn;
}

void SqliteBackend::ReleaseReader(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    free_readers_.push_back(conn);
  }
  pool_cv_.notify_one();
}

}  // namespace vox::store::sqlite
