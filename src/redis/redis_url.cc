#include "redis/redis_url.h"

#include "common/url_options.h"

namespace vox::redis {

Result<RedisUrl> ParseRedisUrl(const std::string& url, std::string_view setting) {
  const std::string field(setting);
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) {
    return InvalidArgument("a redis URL starts with redis:// (TLS is not supported)", field);
  }
  RedisUrl out;
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    if (auto colon = auth.find(':'); colon != std::string_view::npos) auth.remove_prefix(colon + 1);
    out.endpoint.password = std::string(auth);
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    VOX_ASSIGN_OR_RETURN(int64_t port,
                         ParseIntOption("port", rest.substr(colon + 1), 1, 65535, field.c_str()));
    out.endpoint.port = static_cast<int>(port);
  }
  if (host.empty()) return InvalidArgument("redis URL has no host", field);
  out.endpoint.host = std::string(host);
  if (!path.empty()) {
    VOX_ASSIGN_OR_RETURN(int64_t db, ParseIntOption("db", path, 0, 1023, field.c_str()));
    out.endpoint.db = static_cast<int>(db);
  }
  for (auto [key, value] : SplitUrlQuery(query)) out.options.emplace_back(key, value);
  return out;
}

}  // namespace vox::redis
