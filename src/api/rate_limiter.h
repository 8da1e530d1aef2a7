// Per-key token buckets: `rate` requests a second with bursts of `burst`.
// In-process: each API process limits on its own (documented for scale-out).
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace vox::api {

class RateLimiter {
 public:
  // rate <= 0 disables limiting.
  RateLimiter(double rate, double burst, const Clock& clock = Clock::System())
      : rate_(rate), burst_(burst), clock_(clock) {}

  // True when `key` may proceed; otherwise `retry_after_s` says when to retry.
  bool Allow(const std::string& key, int* retry_after_s);

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  const double rate_, burst_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace vox::api
