// Single byte-range requests (RFC 9110 section 14): "Range: bytes=a-b", "bytes=a-", "bytes=-n".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vox::http {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t length() const { return last - first + 1; }
};

enum class RangeKind {
  kNone,           // no usable Range: serve the whole representation (200)
  kSatisfiable,    // serve `range` (206)
  kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
};

struct RangeResult {
  RangeKind kind = RangeKind::kNone;
  ByteRange range;
};

// Interprets a Range header value against a representation of `size` bytes. A syntactically
// invalid value, another unit, or a multi-range list yields kNone: RFC 9110 lets a server
// ignore Range, and we do rather than emit multipart/byteranges.
RangeResult ParseRange(std::string_view header, uint64_t size);

// "bytes a-b/size"
std::string ContentRange(const ByteRange& range, uint64_t size);

}  // namespace vox::http
