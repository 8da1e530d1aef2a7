#include "blob/s3/retry.h"

#include <algorithm>
#include <random>

namespace vox::blob::s3 {

bool IsRetryableStatus(long status, std::string_view s3_code) {
  if (status >= 500 || status == 429) return true;
  return s3_code == "SlowDown" || s3_code == "RequestTimeout" || s3_code == "Throttling" ||
         s3_code == "ThrottlingException";
}

int64_t BackoffDelayMs(int retry, int64_t base_ms, int64_t max_ms) {
  if (base_ms <= 0 || max_ms <= 0) return 0;
  int64_t cap = base_ms;
  for (int i = 0; i < retry && cap < max_ms; ++i) cap *= 2;
  cap = std::min(cap, max_ms);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(0, cap)(rng);
}

}  // namespace vox::blob::s3
