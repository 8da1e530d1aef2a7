#include "common/url_options.h"

#include <charconv>
#include <string>

namespace vox {

std::vector<std::pair<std::string_view, std::string_view>> SplitUrlQuery(std::string_view query) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    out.emplace_back(pair.substr(0, eq),
                     eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
  }
  return out;
}

Result<int64_t> ParseIntOption(std::string_view key, std::string_view value, int64_t lo, int64_t hi,
                               const char* setting) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || v < lo ||
      v > hi) {
    return InvalidArgument("URL option " + std::string(key) + "=" + std::string(value) +
                               " must be an integer in [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "]",
                           setting);
  }
  return v;
}

}  // namespace vox
