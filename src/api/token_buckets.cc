#include "api/token_buckets.h"

#include <algorithm>
#include <cmath>

namespace vox::api {

Result<bool> LocalTokenBuckets::Take(const std::string& key, double rate, double burst,
                                     int* retry_after_s) {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  if (buckets_.size() > 100'000) buckets_.clear();  // bounded memory; full buckets are the default
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst, b.tokens + (now - b.at_ms) / 1000.0 * rate);
  b.at_ms = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after_s) *retry_after_s = static_cast<int>(std::ceil((1.0 - b.tokens) / rate));
  return false;
}

}  // namespace vox::api
