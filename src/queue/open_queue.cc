// OpenQueue: the one place a VOX_QUEUE_URL becomes a JobQueue backend.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "queue/job_queue.h"
#include "queue/local_queue.h"
#if VOX_HAVE_REDIS_QUEUE
#include "queue/redis/redis_queue.h"
#endif

namespace vox::queue {
namespace {

constexpr const char* kSetting = "VOX_QUEUE_URL";

Result<int64_t> ParseMs(std::string_view name, std::string_view value, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < lo || v > hi) {
    return InvalidArgument("queue URL option " + std::string(name) + "=" + std::string(value) +
                               " must be an integer in [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "]",
                           kSetting);
  }
  return v;
}

Result<LocalQueueOptions> ParseLocalUrl(std::string_view url) {
  LocalQueueOptions options;
  std::string_view rest = url.substr(std::string_view("local://").size());
  if (!rest.empty() && rest.front() != '?') {
    return InvalidArgument(
        "a local queue URL has no host or path: use local:// (got '" + std::string(url) + "')",
        kSetting);
  }
  std::string_view query = rest.empty() ? rest : rest.substr(1);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key == "lease_ms") {
      VOX_ASSIGN_OR_RETURN(options.lease_ms, ParseMs(key, value, 1, 86'400'000));
    } else if (key == "poll_ms") {
      VOX_ASSIGN_OR_RETURN(options.poll_ms, ParseMs(key, value, 1, 60'000));
    } else if (key == "requeue_on_start") {
      VOX_ASSIGN_OR_RETURN(int64_t flag, ParseMs(key, value, 0, 1));
      options.requeue_on_start = flag == 1;
    } else {
      return InvalidArgument("unknown queue URL option '" + std::string(key) +
                                 "' (known: lease_ms, poll_ms, requeue_on_start)",
                             kSetting);
    }
  }
  return options;
}

}  // namespace

Result<std::unique_ptr<JobQueue>> OpenQueue(const std::string& url, store::Store& store,
                                            const Clock& clock) {
  if (url.starts_with("local://")) {
    VOX_ASSIGN_OR_RETURN(LocalQueueOptions options, ParseLocalUrl(url));
    VOX_ASSIGN_OR_RETURN(auto queue, LocalQueue::Open(store, options, clock));
    return std::unique_ptr<JobQueue>(std::move(queue));
  }
  if (url.starts_with("redis://") || url.starts_with("rediss://")) {
#if VOX_HAVE_REDIS_QUEUE
    VOX_ASSIGN_OR_RETURN(redis::RedisQueueOptions options, redis::ParseRedisUrl(url));
    VOX_ASSIGN_OR_RETURN(auto queue, redis::RedisQueue::Open(store, options, clock));
    return std::unique_ptr<JobQueue>(std::move(queue));
#else
    return MakeError(ErrorCode::kUnavailable,
                     "this build has no redis queue backend (hiredis was not installed); use "
                     "local://",
                     kSetting);
#endif
  }
  // Only the scheme: a redis URL may carry a password.
  std::string scheme = url.substr(0, std::min(url.find(':'), url.size()));
  return InvalidArgument(
      "unsupported queue URL scheme '" + scheme + "': expected local:// or redis://host:port/db",
      kSetting);
}

}  // namespace vox::queue
