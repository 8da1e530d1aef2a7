// TokenBuckets: where the submit rate limits keep their buckets. In process
// memory (LocalTokenBuckets: each API process limits on its own, the embedded
// default) or in Redis (redis_token_buckets.h: every API process of the
// scale-out shape shares each key's bucket).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/status.h"

namespace vox::api {

class TokenBuckets {
 public:
  virtual ~TokenBuckets() = default;
  // Takes a token from `key`'s bucket, which fills at `rate` a second up to
  // `burst` (a new bucket is full). True when one was there; otherwise
  // `retry_after_s` says when one will be. Errors only from a shared store.
  virtual Result<bool> Take(const std::string& key, double rate, double burst,
                            int* retry_after_s) = 0;
};

class LocalTokenBuckets final : public TokenBuckets {
 public:
  explicit LocalTokenBuckets(const Clock& clock = Clock::System()) : clock_(clock) {}
  Result<bool> Take(const std::string& key, double rate, double burst, int* retry_after_s) override;

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// redis://host:port/db (VOX_RATE_LIMIT_URL); kInvalidArgument for a bad URL,
// kUnavailable in a build without Redis.
Result<std::unique_ptr<TokenBuckets>> OpenRedisTokenBuckets(const std::string& url);

}  // namespace vox::api
