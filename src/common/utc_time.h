// UTC times as text: the API's timestamps and the usage table's days.
#pragma once

#include <cstdint>
#include <string>

namespace vox {

// "2026-12-06T08:10:01.123Z" (RFC 3339, milliseconds, UTC).
std::string Iso8601(int64_t unix_ms);
// "2026-12-06": the UTC day of a moment.
std::string UtcDay(int64_t unix_ms);

}  // namespace vox
