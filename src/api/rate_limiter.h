// RateLimiter: how many submissions a second each credential may make.
//
// The rate is the caller's plan's (`vox plans set --rate`) when it has one,
// else the process default (VOX_RATE_LIMIT); bursts are two seconds' worth (at
// least one request). Buckets are per process by default; with shared buckets
// (Redis) every API process draws from the same one, so N processes together
// allow a key its rate, not N times it. When the shared buckets fail, the
// process falls back to its own for that request (logged and counted), so a
// Redis outage never refuses traffic.
#pragma once

#include <memory>
#include <string>

#include "api/authenticator.h"
#include "api/token_buckets.h"
#include "common/clock.h"
#include "obs/metrics.h"

namespace vox::api {

class UsageMeter;

class RateLimiter {
 public:
  // rate <= 0 disables the default limit (plans with a rate still apply).
  RateLimiter(double rate, double burst, const Clock& clock = Clock::System())
      : rate_(rate), burst_(burst), local_(clock) {}

  // Not thread-safe: set before the server starts. `plans` gives each user's rate.
  void UsePlans(UsageMeter* plans) { plans_ = plans; }
  void UseShared(std::unique_ptr<TokenBuckets> shared, obs::Registry& metrics);

  // True when `who` may proceed; otherwise `retry_after_s` says when to retry.
  bool Allow(const Principal& who, int* retry_after_s);
  // The default rate for `key` (no plan).
  bool Allow(const std::string& key, int* retry_after_s);

 private:
  bool Take(const std::string& key, double rate, double burst, int* retry_after_s);

  const double rate_, burst_;
  LocalTokenBuckets local_;
  std::unique_ptr<TokenBuckets> shared_;
  UsageMeter* plans_ = nullptr;
  obs::Family<obs::Counter>* shared_failures_ = nullptr;
};

}  // namespace vox::api
