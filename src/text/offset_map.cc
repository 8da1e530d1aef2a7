#include "text/offset_map.h"

#include <algorithm>

namespace vox::text {

SourceSpan MapRange(const OffsetMap& map, std::size_t begin, std::size_t end) {
  if (map.empty()) return {};
  end = std::min(end, map.size());
  if (begin >= end) {
    const SourceSpan& at = map[std::min(begin, map.size() - 1)];
    const std::size_t pos = begin >= map.size() ? at.end : at.begin;
    return {pos, pos};
  }
  SourceSpan out = map[begin];
  for (std::size_t i = begin + 1; i < end; ++i) {
    out.begin = std::min(out.begin, map[i].begin);
    out.end = std::max(out.end, map[i].end);
  }
  return out;
}

OffsetMap Compose(const OffsetMap& outer, const OffsetMap& inner) {
  OffsetMap out;
  out.reserve(outer.size());
  for (const SourceSpan& s : outer) out.push_back(MapRange(inner, s.begin, s.end));
  return out;
}

}  // namespace vox::text
