// OpenQueue: the one place a VOX_QUEUE_URL becomes a JobQueue backend.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "common/redact.h"
#include "common/url_options.h"
#include "queue/job_queue.h"
#include "queue/local_queue.h"
#if VOX_HAVE_REDIS_QUEUE
#include "queue/redis/redis_queue.h"
#endif

namespace vox::queue {
namespace {

constexpr const char* kSetting = "VOX_QUEUE_URL";

Result<LocalQueueOptions> ParseLocalUrl(std::string_view url) {
  LocalQueueOptions options;
  std::string_view rest = url.substr(std::string_view("local://").size());
  if (!rest.empty() && rest.front() != '?') {
    return InvalidArgument(
        "a local queue URL has no host or path: use local:// (got '" + RedactUrl(url) + "')",
        kSetting);
  }
  std::string_view query = rest.empty() ? rest : rest.substr(1);
  for (auto [key, value] : SplitUrlQuery(query)) {
    if (key == "lease_ms") {
      VOX_ASSIGN_OR_RETURN(options.lease_ms, ParseIntOption(key, value, 1, 86'400'000, kSetting));
    } else if (key == "poll_ms") {
      VOX_ASSIGN_OR_RETURN(options.poll_ms, ParseIntOption(key, value, 1, 60'000, kSetting));
    } else if (key == "requeue_on_start") {
      VOX_ASSIGN_OR_RETURN(int64_t flag, ParseIntOption(key, value, 0, 1, kSetting));
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
    VOX_ASSIGN_OR_RETURN(redis::RedisQueueOptions options, redis::ParseRedisQueueUrl(url));
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
