// OpenStore: the one place a VOX_DATABASE_URL becomes a Store backend.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "common/redact.h"
#include "common/url_options.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_url.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/store.h"

namespace vox::store {
namespace {

constexpr const char* kSetting = "VOX_DATABASE_URL";

// sqlite:///abs/path.db, sqlite://rel/path.db, sqlite::memory: (or
// sqlite://:memory:), each optionally followed by ?readers=N&busy_timeout_ms=N.
Result<sqlite::SqliteOptions> ParseSqliteUrl(std::string_view url) {
  sqlite::SqliteOptions options;
  std::string_view rest = url;
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest == "sqlite::memory:" || rest == "sqlite://:memory:") {
    options.path = ":memory:";
  } else if (rest.starts_with("sqlite://") && rest.size() > 9) {
    options.path = std::string(rest.substr(9));  // "/abs" keeps its slash; "rel" stays relative
  } else {
    return InvalidArgument("bad SQLite URL '" + RedactUrl(url) +
                               "': expected sqlite:///abs/path.db, sqlite://relative/path.db "
                               "or sqlite::memory:",
                           kSetting);
  }
  for (auto [key, value] : SplitUrlQuery(query)) {
    if (key == "readers") {
      VOX_ASSIGN_OR_RETURN(options.readers, ParseIntOption(key, value, 1, 64, kSetting));
    } else if (key == "busy_timeout_ms") {
      VOX_ASSIGN_OR_RETURN(options.busy_timeout_ms,
                           ParseIntOption(key, value, 0, 600000, kSetting));
    } else {
      return InvalidArgument("unknown database URL option '" + std::string(key) +
                                 "' (known: readers, busy_timeout_ms)",
                             kSetting);
    }
  }
  return options;
}

// The backend as a Store; open errors name the setting.
template <typename B>
Result<std::unique_ptr<Store>> AsStore(Result<std::unique_ptr<B>> backend) {
  if (!backend) {
    Error err = backend.error();
    if (err.field.empty()) err.field = kSetting;
    return std::unexpected(err);
  }
  return std::unique_ptr<Store>(std::make_unique<sql::SqlStore>(std::move(*backend)));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.starts_with("sqlite:")) {
    VOX_ASSIGN_OR_RETURN(sqlite::SqliteOptions options, ParseSqliteUrl(url));
    return AsStore(sqlite::SqliteBackend::Open(options));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    VOX_ASSIGN_OR_RETURN(postgres::PoolOptions options, postgres::ParsePostgresUrl(url));
    return AsStore(postgres::PostgresBackend::Open(options));
  }
  // Never echo the URL back whole: a postgres URL may carry a password.
  std::string scheme = url.substr(0, std::min(url.find(':'), url.size()));
  return InvalidArgument("unsupported database URL scheme '" + scheme +
                             "': expected sqlite:///path/vox.db or postgresql://...",
                         kSetting);
}

}  // namespace vox::store
