// Where each byte of a rewritten text came from in the text it was made from.
//
// The normalizer rewrites text in stages (clean-up, ASCII folding, token
// rules). Each stage can record, per output byte, the source span of the
// character that produced it, so that a piece of the final text ("three
// dollars fifty") can be traced back to the characters the client typed
// ("$3.50"). Internal to vox_text; the public form is AlignedSpan
// (normalizer.h).
#pragma once

#include <cstddef>
#include <vector>

namespace vox::text {

struct SourceSpan {
  std::size_t begin = 0;  // byte offsets into the source, end exclusive
  std::size_t end = 0;
};

// One entry per byte of the derived text.
using OffsetMap = std::vector<SourceSpan>;

// The smallest source span covering bytes [begin, end) of the derived text
// (clamped to the map); an empty span at the nearest position when the range
// is empty.
SourceSpan MapRange(const OffsetMap& map, std::size_t begin, std::size_t end);

// `outer` maps a text C onto B, `inner` maps B onto A: the result maps C onto A.
OffsetMap Compose(const OffsetMap& outer, const OffsetMap& inner);

}  // namespace vox::text
