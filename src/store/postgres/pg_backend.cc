#include "store/postgres/pg_backend.h"

#include <charconv>

#include "store/postgres/pg_migrations.h"

namespace vox::store::postgres {
namespace {

// Type OIDs of pg_type, for reading cells in their own kind.
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

constexpr sql::Dialect kDialect = {
    .for_update = " FOR UPDATE",
    .skip_locked = " FOR UPDATE SKIP LOCKED",
    .byte_order = " COLLATE \"C\"",  // byte order, as in SQLite, whatever the locale
    .leased_and_running =
        "lease_expires_at IS NOT NULL AND status IN "
        "('picked', 'preprocessing', 'inference', 'vocoding', 'uploading')",
    .insertion_order = "seq",  // BIGSERIAL, standing in for SQLite's rowid
    .ping = "SELECT 1",
    // Readers (ACCESS SHARE) pass; other appenders wait until COMMIT.
    .lock_audit = "LOCK TABLE audit IN EXCLUSIVE MODE",
    // NO KEY UPDATE: other capped creations of this user wait; inserts that
    // merely reference the user (their foreign keys take KEY SHARE) do not.
    .lock_user = "SELECT 1 FROM users WHERE id = ?1 FOR NO KEY UPDATE",
};

sql::Value Cell(const Rows& rows, int r, int c) {
  if (rows.IsNull(r, c)) return std::monostate{};
  switch (rows.type(c)) {
    case kBoolOid:
      return static_cast<int64_t>(rows.Bool(r, c) ? 1 : 0);
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
      return rows.Int(r, c);
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return rows.Real(r, c);
    default:
      return rows.Text(r, c);
  }
}

}  // namespace

sql::DbResult<sql::Rows> PgSession::Query(const std::string& text, const sql::Params& params) {
  VOX_ASSIGN_OR_RETURN(Rows rows, conn_.Query(ToPostgresPlaceholders(text), params));
  const int columns = rows.columns();
  std::vector<sql::Value> cells;
  cells.reserve(static_cast<size_t>(rows.size() * columns));
  for (int r = 0; r < rows.size(); ++r) {
    for (int c = 0; c < columns; ++c) cells.push_back(Cell(rows, r, c));
  }
  return sql::Rows(columns, std::move(cells), rows.affected());
}

void PgSession::Rollback() {
  if (!conn_.broken()) (void)conn_.Exec("ROLLBACK");
}

std::string ToPostgresPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // inside '...' or "..."
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote != 0) {
      if (ch == quote) quote = 0;  // a doubled quote closes and reopens: same result
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += ch;
  }
  return out;
}

Result<std::unique_ptr<PostgresBackend>> PostgresBackend::Open(const PoolOptions& options) {
  if (options.max_size < 1) return InvalidArgument("pool size must be >= 1", "VOX_DATABASE_URL");
  std::unique_ptr<PostgresBackend> backend(new PostgresBackend(std::make_unique<Pool>(options)));
  VOX_RETURN_IF_ERROR(sql::RunOn(*backend, sql::Access::kRead, [](sql::Session& s) -> Status {
    VOX_RETURN_IF_ERROR(s.Query(kDialect.ping));
    return {};
  }));
  return backend;
}

const sql::Dialect& PostgresBackend::dialect() const { return kDialect; }
const sql::Schema& PostgresBackend::schema() const { return PostgresSchema(); }

Status PostgresBackend::Run(sql::Access, const std::function<void(sql::Session&)>& fn) {
  VOX_ASSIGN_OR_RETURN(Pool::Lease lease, pool_->Acquire());
  PgSession session(*lease);
  fn(session);
  return {};
}

}  // namespace vox::store::postgres
