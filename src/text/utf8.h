// UTF-8 validation and decoding for text that comes from untrusted clients.
//
// Everything downstream (clean-up, folding, the engines' C front ends) assumes
// well-formed UTF-8, so malformed input is rejected here with the byte offset
// of the first bad byte instead of being silently repaired.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::text {

// Ok when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no UTF-16
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
// Otherwise InvalidArgument with field "text" and a message naming the byte
// offset and the reason, e.g. "text is not valid UTF-8 at byte offset 7:
// overlong encoding". Thread-safe; linear time.
Status ValidateUtf8(std::string_view text);

// Decodes the code point at `pos` and advances `pos` past it. For malformed
// input it returns U+FFFD and advances by one byte, so callers that scan
// unvalidated text still terminate.
char32_t DecodeUtf8(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of `cp` (which must be a valid scalar value).
void AppendUtf8(char32_t cp, std::string& out);

// The largest cut position <= `max` that does not fall inside a multi-byte
// sequence of `text` (backs off over at most three continuation bytes).
std::size_t Utf8SafeCut(std::string_view text, std::size_t max);

// Characters (code points) in valid UTF-8: what text limits count.
inline std::size_t CountCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;  // every byte but continuations
  return n;
}

}  // namespace vox::text
