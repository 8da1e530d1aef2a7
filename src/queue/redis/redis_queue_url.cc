// ParseRedisQueueUrl: the address (redis/redis_url.h) plus the queue's options.
#include <string>

#include "common/url_options.h"
#include "queue/redis/redis_queue.h"
#include "redis/redis_url.h"

namespace vox::queue::redis {
namespace {

constexpr const char* kSetting = "VOX_QUEUE_URL";

}  // namespace

Result<RedisQueueOptions> ParseRedisQueueUrl(const std::string& url) {
  VOX_ASSIGN_OR_RETURN(vox::redis::RedisUrl parsed, vox::redis::ParseRedisUrl(url, kSetting));
  RedisQueueOptions o;
  o.endpoint = parsed.endpoint;
  for (const auto& [key, value] : parsed.options) {
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
      o.stream = value;
    } else {
      return InvalidArgument(
          "unknown redis queue URL option '" + key +
              "' (known: lease_ms, poll_ms, reconcile_ms, stranded_after_ms, stream)",
          kSetting);
    }
  }
  return o;
}

}  // namespace vox::queue::redis
