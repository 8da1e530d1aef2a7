#include "cache/redis/redis_cache.h"

#include <hiredis/hiredis.h>

#include "common/url_options.h"
#include "redis/redis_url.h"

namespace vox::cache::redis {
namespace {

using vox::redis::RedisConnection;
using vox::redis::RedisPool;
using vox::redis::Reply;

constexpr char kSetting[] = "VOX_CACHE_URL";

// KEYS: entry. ARGV: ttl_s, then field/value pairs. Replaces the fields but
// keeps `hits` (0 for a new entry), as Store::PutCacheEntry does.
constexpr const char* kPut = R"lua(
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSETNX', KEYS[1], 'hits', 0)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
)lua";

// KEYS: entry. ARGV: at, ttl_s. Only an existing entry is touched.
constexpr const char* kTouch = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'hits', 1)
redis.call('HSET', KEYS[1], 'last_hit_at', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
)lua";

class RedisCache final : public AudioCache {
 public:
  explicit RedisCache(RedisCacheOptions options)
      : options_(std::move(options)), pool_(options_.endpoint, 16, {}) {}

  Status Ping() {
    VOX_RETURN_IF_ERROR(Run({"PING"}));
    return {};
  }

  Result<std::optional<store::CacheEntry>> Get(const std::string& cache_key) override {
    VOX_ASSIGN_OR_RETURN(Reply r, Run({"HGETALL", Key(cache_key)}));
    const redisReply* fields = r.get();
    if (vox::redis::ArraySize(fields) == 0) return std::optional<store::CacheEntry>();
    store::CacheEntry e;
    e.cache_key = cache_key;
    for (size_t i = 0; i + 1 < vox::redis::ArraySize(fields); i += 2) {
      const std::string name = vox::redis::Str(vox::redis::Element(fields, i));
      const redisReply* value = vox::redis::Element(fields, i + 1);
      if (name == "audio_key")
        e.audio_key = vox::redis::Str(value);
      else if (name == "format")
        e.format = vox::redis::Str(value);
      else if (name == "duration_s")
        e.duration_s = std::strtod(vox::redis::Str(value).c_str(), nullptr);
      else if (name == "audio_bytes")
        e.audio_bytes = vox::redis::Int(value);
      else if (name == "created_at")
        e.created_at = vox::redis::Int(value);
      else if (name == "last_hit_at")
        e.last_hit_at = vox::redis::Int(value);
      else if (name == "hits")
        e.hits = vox::redis::Int(value);
    }
    // A hash someone else wrote under our prefix is not an entry.
    if (e.audio_key.empty()) return std::optional<store::CacheEntry>();
    return std::optional<store::CacheEntry>(std::move(e));
  }

  Status Put(const store::CacheEntry& e) override {
    char duration[32];
    std::snprintf(duration, sizeof(duration), "%.17g", e.duration_s);
    VOX_RETURN_IF_ERROR(Run({"EVAL", kPut, "1", Key(e.cache_key), std::to_string(options_.ttl_s),
                             "audio_key", e.audio_key, "format", e.format, "duration_s", duration,
                             "audio_bytes", std::to_string(e.audio_bytes), "created_at",
                             std::to_string(e.created_at), "last_hit_at",
                             std::to_string(e.last_hit_at)}));
    return {};
  }

  Status Touch(const std::string& cache_key, int64_t at) override {
    VOX_RETURN_IF_ERROR(Run({"EVAL", kTouch, "1", Key(cache_key), std::to_string(at),
                             std::to_string(options_.ttl_s)}));
    return {};
  }

  Status Remove(const std::string& cache_key) override {
    VOX_RETURN_IF_ERROR(Run({"DEL", Key(cache_key)}));
    return {};
  }

  std::string name() const override { return "redis"; }

 private:
  std::string Key(const std::string& cache_key) const { return options_.prefix + ":" + cache_key; }
  Result<Reply> Run(const std::vector<std::string>& args) {
    return pool_.With<Reply>([&](RedisConnection& c) { return c.Command(args); });
  }

  const RedisCacheOptions options_;
  RedisPool pool_;
};

}  // namespace

Result<RedisCacheOptions> ParseRedisCacheUrl(const std::string& url) {
  VOX_ASSIGN_OR_RETURN(vox::redis::RedisUrl parsed, vox::redis::ParseRedisUrl(url, kSetting));
  RedisCacheOptions o;
  o.endpoint = parsed.endpoint;
  for (const auto& [key, value] : parsed.options) {
    if (key == "ttl_s") {
      VOX_ASSIGN_OR_RETURN(o.ttl_s, ParseIntOption(key, value, 1, 365 * 86'400, kSetting));
    } else if (key == "prefix") {
      if (value.empty()) return InvalidArgument("redis cache URL: prefix is empty", kSetting);
      o.prefix = value;
    } else {
      return InvalidArgument("unknown redis cache URL option '" + key + "' (known: ttl_s, prefix)",
                             kSetting);
    }
  }
  return o;
}

Result<std::unique_ptr<AudioCache>> OpenRedisCache(const RedisCacheOptions& options) {
  auto cache = std::make_unique<RedisCache>(options);
  VOX_RETURN_IF_ERROR(cache->Ping());
  return std::unique_ptr<AudioCache>(std::move(cache));
}

}  // namespace vox::cache::redis
