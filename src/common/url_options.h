// The "?key=value&..." options of service URLs (VOX_DATABASE_URL,
// VOX_QUEUE_URL), split and checked in one place for every backend.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vox {

// "a=1&b=&c" -> {a,1} {b,""} {c,""}; empty pairs are skipped. Views into `query`.
std::vector<std::pair<std::string_view, std::string_view>> SplitUrlQuery(std::string_view query);

// The whole of `value` as an integer in [lo, hi]; otherwise InvalidArgument
// naming `setting` (e.g. "VOX_QUEUE_URL").
Result<int64_t> ParseIntOption(std::string_view key, std::string_view value, int64_t lo, int64_t hi,
                               const char* setting);

}  // namespace vox
