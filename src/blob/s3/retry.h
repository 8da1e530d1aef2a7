// When and how long the S3 backend waits before trying a request again.
#pragma once

#include <cstdint>
#include <string_view>

namespace vox::blob::s3 {

// Whether an HTTP answer is worth retrying: 5xx, 429 and S3's throttling and
// timeout codes (503 SlowDown, 400 RequestTimeout). `s3_code` is the <Code>
// of the error body, empty when unknown.
bool IsRetryableStatus(long status, std::string_view s3_code);

// "Full jitter" exponential backoff: a uniform random delay in
// [0, min(max_ms, base_ms * 2^retry)] for retry 0, 1, 2, ... so that many
// clients failing together do not retry in lock-step.
int64_t BackoffDelayMs(int retry, int64_t base_ms, int64_t max_ms);

}  // namespace vox::blob::s3
