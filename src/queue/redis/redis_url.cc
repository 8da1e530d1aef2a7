// ParseRedisUrl: redis://[:password@]host[:port][/db][?lease_ms=&poll_ms=&stream=]
#include <charconv>
#include <string>
#include <string_view>

#include "common/url_options.h"
#include "queue/redis/redis_queue.h"

namespace vox::queue::redis {
namespace {

constexpr const char* kSetting = "VOX_QUEUE_URL";

}  // namespace

Result<RedisQueueOptions> ParseRedisUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) {
    return InvalidArgument("a redis queue URL starts with redis:// (TLS is not supported)",
                           kSetting);
  }
  RedisQueueOptions o;
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
    o.endpoint.password = std::string(auth);
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    VOX_ASSIGN_OR_RETURN(int64_t port,
                         ParseIntOption("port", rest.substr(colon + 1), 1, 65535, kSetting));
    o.endpoint.port = static_cast<int>(port);
  }
  if (host.empty()) return InvalidArgument("redis queue URL has no host", kSetting);
  o.endpoint.host = std::string(host);
  if (!path.empty()) {
    VOX_ASSIGN_OR_RETURN(int64_t db, ParseIntOption("db", path, 0, 1023, kSetting));
    o.endpoint.db = static_cast<int>(db);
  }
  for (auto [key, value] : SplitUrlQuery(query)) {
    if (key == "lease_ms") {
      VOX_ASSIGN_OR_RETURN(o.lease_ms, ParseIntOption(key, value, 1, 86'400'000, kSetting));
    } else if (key == "poll_ms") {
      VOX_ASSIGN_OR_RETURN(o.poll_ms, ParseIntOption(key, value, 1, 60'000, kSetting));
    } else if (key == "reconcile_ms") {
      VOX_ASSIGN_OR_RETURN(o.reconcile_ms, ParseIntOption(key, value, 0, 86'400'000, kSetting));
    } else if (key == "stranded_after_ms") {
      VOX_ASSIGN_OR_RETURN(o.stranded_after_ms,
                           ParseIntOption(key, value, 1, 86'400'000, kSetting));
    } else if (key == "stream") {
      if (value.empty()) return InvalidArgument("redis queue URL: stream is empty", kSetting);
      o.stream = std::string(value);
    } else {
      return InvalidArgument("unknown redis queue URL option '" + std::string(key) +
                                 "' (known: lease_ms, poll_ms, reconcile_ms, stranded_after_ms, stream)",
                             kSetting);
    }
  }
  return o;
}

}  // namespace vox::queue::redis
