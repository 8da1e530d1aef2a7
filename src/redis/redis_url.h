// ParseRedisUrl: the redis:// address every Redis user in Vox shares (queue,
// cache, rate limits), with the query options left for the caller to read.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "redis/redis_connection.h"

namespace vox::redis {

struct RedisUrl {
  RedisEndpoint endpoint;
  // The query's key=value pairs in order, for the caller's own options.
  std::vector<std::pair<std::string, std::string>> options;
};

// redis://[:password@]host[:port][/db][?key=value&...]. Errors are
// kInvalidArgument with field `setting` (e.g. VOX_QUEUE_URL) and never echo
// the password. rediss:// (TLS) is refused: hiredis here is built without it.
Result<RedisUrl> ParseRedisUrl(const std::string& url, std::string_view setting);

}  // namespace vox::redis
