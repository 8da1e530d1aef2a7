#include "store/postgres/pg_url.h"

#include <charconv>
#include <string_view>

#include "common/url_options.h"

namespace vox::store::postgres {
namespace {

constexpr const char* kSetting = "VOX_DATABASE_URL";

}  // namespace

Result<PoolOptions> ParsePostgresUrl(const std::string& url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    return InvalidArgument("expected a postgresql:// URL", kSetting);
  }
  PoolOptions options;
  std::string_view rest = url;
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string passthrough;
  for (auto [key, value] : SplitUrlQuery(query)) {
    if (key == "pool_size") {
      VOX_ASSIGN_OR_RETURN(options.max_size, ParseIntOption(key, value, 1, 1000, kSetting));
    } else if (key == "statement_timeout_ms") {
      VOX_ASSIGN_OR_RETURN(options.statement_timeout_ms,
                           ParseIntOption(key, value, 0, 3600000, kSetting));
    } else if (key == "acquire_timeout_ms") {
      VOX_ASSIGN_OR_RETURN(options.acquire_timeout_ms,
                           ParseIntOption(key, value, 0, 3600000, kSetting));
    } else {  // libpq's own options (sslmode, application_name, ...)
      passthrough += passthrough.empty() ? "?" : "&";
      passthrough += std::string(key) + "=" + std::string(value);
    }
  }
  options.conninfo = std::string(rest) + passthrough;
  return options;
}

}  // namespace vox::store::postgres
