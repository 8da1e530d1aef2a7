// RedisCache: AudioCache entries as Redis hashes <prefix>:<cache_key> with
// the CacheEntry's fields, expiring ttl_s after their last Put or Touch.
#pragma once

#include <memory>
#include <string>

#include "cache/audio_cache.h"
#include "redis/redis_connection.h"

namespace vox::cache::redis {

struct RedisCacheOptions {
  vox::redis::RedisEndpoint endpoint;
  std::string prefix = "vox:cache";
  int64_t ttl_s = 7 * 86'400;
};

// redis://[:password@]host:port/db[?ttl_s=..&prefix=..]; errors name VOX_CACHE_URL.
Result<RedisCacheOptions> ParseRedisCacheUrl(const std::string& url);

// Connects once (kUnavailable when Redis is down).
Result<std::unique_ptr<AudioCache>> OpenRedisCache(const RedisCacheOptions& options);

}  // namespace vox::cache::redis
