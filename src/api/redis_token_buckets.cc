// Token buckets in Redis, shared by every API process (token_buckets.h).
#include "api/token_buckets.h"

#ifdef VOX_HAVE_REDIS
#include <hiredis/hiredis.h>

#include "redis/redis_url.h"
#endif

namespace vox::api {

#ifdef VOX_HAVE_REDIS
namespace {

constexpr char kSetting[] = "VOX_RATE_LIMIT_URL";

// KEYS: the bucket. ARGV: rate (tokens/s), burst. One script, so a take is
// atomic across processes; the time is Redis's own (TIME), so API processes
// with skewed clocks still share one timeline. The bucket expires once it
// would be full again, so idle keys cost nothing. Returns {taken, retry_after_s}.
constexpr const char* kTake = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local taken = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {taken, wait}
)lua";

class RedisTokenBuckets final : public TokenBuckets {
 public:
  RedisTokenBuckets(redis::RedisEndpoint endpoint, std::string prefix)
      : pool_(std::move(endpoint), 16, {}), prefix_(std::move(prefix)) {}

  Result<bool> Take(const std::string& key, double rate, double burst,
                    int* retry_after_s) override {
    std::function<Result<redis::Reply>(redis::RedisConnection&)> run =
        [&](redis::RedisConnection& c) {
          return c.Command(
              {"EVAL", kTake, "1", prefix_ + key, std::to_string(rate), std::to_string(burst)});
        };
    VOX_ASSIGN_OR_RETURN(redis::Reply reply, pool_.With(run));
    if (redis::ArraySize(reply.get()) != 2) return Internal("rate limit script: unexpected reply");
    const bool taken = redis::Int(redis::Element(reply.get(), 0)) == 1;
    if (!taken && retry_after_s) {
      *retry_after_s = static_cast<int>(redis::Int(redis::Element(reply.get(), 1)));
    }
    return taken;
  }

 private:
  redis::RedisPool pool_;
  const std::string prefix_;
};

}  // namespace

Result<std::unique_ptr<TokenBuckets>> OpenRedisTokenBuckets(const std::string& url) {
  VOX_ASSIGN_OR_RETURN(redis::RedisUrl parsed, redis::ParseRedisUrl(url, kSetting));
  std::string prefix = "vox:ratelimit:";
  for (const auto& [name, value] : parsed.options) {
    if (name != "prefix") {
      return InvalidArgument("unknown option '" + name + "' (prefix=...)", kSetting);
    }
    prefix = value;
  }
  return std::unique_ptr<TokenBuckets>(
      std::make_unique<RedisTokenBuckets>(parsed.endpoint, prefix));
}

#else

Result<std::unique_ptr<TokenBuckets>> OpenRedisTokenBuckets(const std::string&) {
  return Unavailable("this build has no Redis support (hiredis was not found)");
}

#endif

}  // namespace vox::api
