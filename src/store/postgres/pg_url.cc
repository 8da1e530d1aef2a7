#include "store/postgres/pg_url.h"

#include <charconv>
#include <string_view>

namespace vox::store::postgres {
namespace {

constexpr const char* kSetting = "VOX_DATABASE_URL";

Result<int> ParseInt(std::string_view key, std::string_view value, int lo, int hi) {
  int v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < lo || v > hi) {
    return InvalidArgument("database URL option " + std::string(key) + " must be an integer in [" +
                               std::to_string(lo) + ", " + std::to_string(hi) + "]",
                           kSetting);
  }
  return v;
}

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
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key == "pool_size") {
      VOX_ASSIGN_OR_RETURN(options.max_size, ParseInt(key, value, 1, 1000));
    } else if (key == "statement_timeout_ms") {
      VOX_ASSIGN_OR_RETURN(options.statement_timeout_ms, ParseInt(key, value, 0, 3600000));
    } else if (key == "acquire_timeout_ms") {
      VOX_ASSIGN_OR_RETURN(options.acquire_timeout_ms, ParseInt(key, value, 0, 3600000));
    } else if (!pair.empty()) {
      passthrough += passthrough.empty() ? "?" : "&";
      passthrough += pair;
    }
  }
  options.conninfo = std::string(rest) + passthrough;
  return options;
}

}  // namespace vox::store::postgres
