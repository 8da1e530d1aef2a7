// ParseRedisUrl: redis://[:password@]host[:port][/db][?lease_ms=&poll_ms=&stream=]
#include <charconv>
#include <string>
#include <string_view>

#include "queue/redis/redis_queue.h"

namespace vox::queue::redis {
namespace {

constexpr const char* kSetting = "VOX_QUEUE_URL";

Result<int64_t> ParseInt(std::string_view name, std::string_view value, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || v < lo ||
      v > hi) {
    return InvalidArgument("redis queue URL: " + std::string(name) + "=" + std::string(value) +
                               " must be an integer in [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "]",
                           kSetting);
  }
  return v;
}

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
    VOX_ASSIGN_OR_RETURN(int64_t port, ParseInt("port", rest.substr(colon + 1), 1, 65535));
    o.endpoint.port = static_cast<int>(port);
  }
  if (host.empty()) return InvalidArgument("redis queue URL has no host", kSetting);
  o.endpoint.host = std::string(host);
  if (!path.empty()) {
    VOX_ASSIGN_OR_RETURN(int64_t db, ParseInt("db", path, 0, 1023));
    o.endpoint.db = static_cast<int>(db);
  }
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key == "lease_ms") {
      VOX_ASSIGN_OR_RETURN(o.lease_ms, ParseInt(key, value, 1, 86'400'000));
    } else if (key == "poll_ms") {
      VOX_ASSIGN_OR_RETURN(o.poll_ms, ParseInt(key, value, 1, 60'000));
    } else if (key == "stream") {
      if (value.empty()) return InvalidArgument("redis queue URL: stream is empty", kSetting);
      o.stream = std::string(value);
    } else {
      return InvalidArgument("unknown redis queue URL option '" + std::string(key) +
                                 "' (known: lease_ms, poll_ms, stream)",
                             kSetting);
    }
  }
  return o;
}

}  // namespace vox::queue::redis
