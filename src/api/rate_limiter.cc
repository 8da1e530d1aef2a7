#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace vox::api {

bool RateLimiter::Allow(const std::string& key, int* retry_after_s) {
  if (rate_ <= 0) return true;
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  if (buckets_.size() > 100'000) buckets_.clear();  // bounded memory; full buckets are the default
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now - b.at_ms) / 1000.0 * rate_);
  b.at_ms = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after_s) *retry_after_s = static_cast<int>(std::ceil((1.0 - b.tokens) / rate_));
  return false;
}

}  // namespace vox::api
