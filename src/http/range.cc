#include "http/range.h"

#include <algorithm>
#include <charconv>

#include "http/headers.h"

namespace vox::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whole-string decimal; false on empty, sign, junk or overflow.
bool ParseNumber(std::string_view s, uint64_t& out) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

RangeResult ParseRange(std::string_view header, uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  header = Trim(header);
  if (header.size() < kUnit.size() || !EqualsIgnoreCase(header.substr(0, kUnit.size()), kUnit)) {
    return {};
  }
  std::string_view spec = Trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return {};
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  std::string_view first_text = Trim(spec.substr(0, dash));
  std::string_view last_text = Trim(spec.substr(dash + 1));

  if (first_text.empty()) {  // suffix: the last n bytes
    uint64_t n = 0;
    if (!ParseNumber(last_text, n)) return {};
    if (n == 0 || size == 0) return {RangeKind::kUnsatisfiable, {}};
    return {RangeKind::kSatisfiable, {size - std::min(n, size), size - 1}};
  }
  uint64_t first = 0;
  if (!ParseNumber(first_text, first)) return {};
  uint64_t last = UINT64_MAX;
  if (!last_text.empty()) {
    if (!ParseNumber(last_text, last)) return {};
    if (last < first) return {};  // invalid spec: ignored, per RFC 9110 14.1.1
  }
  if (first >= size) return {RangeKind::kUnsatisfiable, {}};
  return {RangeKind::kSatisfiable, {first, std::min(last, size - 1)}};
}

std::string ContentRange(const ByteRange& range, uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(size);
}

}  // namespace vox::http
