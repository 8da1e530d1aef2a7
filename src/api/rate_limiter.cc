#include "api/rate_limiter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/usage_meter.h"

namespace vox::api {

void RateLimiter::UseShared(std::unique_ptr<TokenBuckets> shared, obs::Registry& metrics) {
  shared_ = std::move(shared);
  shared_failures_ = &metrics.AddCounter(
      "vox_rate_limit_shared_failures_total",
      "Rate-limit checks the shared buckets (Redis) could not answer; the process's own "
      "buckets answered instead.");
}

bool RateLimiter::Take(const std::string& key, double rate, double burst, int* retry_after_s) {
  if (rate <= 0) return true;
  if (shared_) {
    auto taken = shared_->Take(key, rate, burst, retry_after_s);
    if (taken) return *taken;
    shared_failures_->With({}).Inc();
    spdlog::warn("shared rate limit unavailable, limiting in this process: {}",
                 taken.error().message);
  }
  return local_.Take(key, rate, burst, retry_after_s).value_or(true);
}

bool RateLimiter::Allow(const std::string& key, int* retry_after_s) {
  return Take(key, rate_, burst_, retry_after_s);
}

bool RateLimiter::Allow(const Principal& who, int* retry_after_s) {
  if (plans_ != nullptr) {
    auto plan = plans_->PlanOf(who.user_id);
    if (plan && *plan && (*plan)->rate > 0) {
      const double rate = (*plan)->rate;
      return Take(who.key_id, rate, std::max(1.0, 2 * rate), retry_after_s);
    }
  }
  return Allow(who.key_id, retry_after_s);
}

}  // namespace vox::api
