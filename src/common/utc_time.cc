#include "common/utc_time.h"

#include <cstdio>
#include <ctime>

namespace vox {

std::string Iso8601(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}

std::string UtcDay(int64_t unix_ms) { return Iso8601(unix_ms).substr(0, 10); }

}  // namespace vox
