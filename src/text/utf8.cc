#include "text/utf8.h"

#include <cstdint>
#include <string>

namespace vox::text {
namespace {

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Length of the sequence that `lead` starts, or 0 when it cannot start one.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Checks the sequence at `pos`; returns its length, or 0 and sets `why`.
int CheckSequence(std::string_view s, std::size_t pos, const char** why) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  const int len = SequenceLength(lead);
  if (len == 0) {
    if (IsContinuation(lead)) {
      *why = "unexpected continuation byte";
    } else if (lead == 0xC0 || lead == 0xC1) {
      *why = "overlong encoding";
    } else {
      *why = "byte can never appear in UTF-8";
    }
    return 0;
  }
  if (len == 1) return 1;
  // The second byte's allowed range excludes overlong forms, surrogates and
  // values above U+10FFFF; later bytes are plain continuation bytes.
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  const char* range_why = "truncated sequence";
  if (lead == 0xE0) lo = 0xA0, range_why = "overlong encoding";
  if (lead == 0xED) hi = 0x9F, range_why = "UTF-16 surrogate code point";
  if (lead == 0xF0) lo = 0x90, range_why = "overlong encoding";
  if (lead == 0xF4) hi = 0x8F, range_why = "code point above U+10FFFF";
  for (int k = 1; k < len; ++k) {
    if (pos + k >= s.size()) {
      *why = "truncated sequence at end of text";
      return 0;
    }
    const auto b = static_cast<unsigned char>(s[pos + k]);
    if (!IsContinuation(b)) {
      *why = "truncated sequence";
      return 0;
    }
    if (k == 1 && (b < lo || b > hi)) {
      *why = range_why;
      return 0;
    }
  }
  return len;
}

}  // namespace

Status ValidateUtf8(std::string_view text) {
  std::size_t pos = 0;
  const std::size_t n = text.size();
  while (pos < n) {
    // ASCII fast path: most request text is plain ASCII.
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const char* why = "";
    const int len = CheckSequence(text, pos, &why);
    if (len == 0) {
      return InvalidArgument(
          "text is not valid UTF-8 at byte offset " + std::to_string(pos) + ": " + why, "text");
    }
    pos += static_cast<std::size_t>(len);
  }
  return {};
}

char32_t DecodeUtf8(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  const char* why = "";
  const int len = CheckSequence(text, pos, &why);
  if (len == 0) {
    ++pos;
    return 0xFFFD;
  }
  char32_t cp = lead & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
  }
  pos += static_cast<std::size_t>(len);
  return cp;
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::size_t Utf8SafeCut(std::string_view text, std::size_t max) {
  if (max >= text.size()) return text.size();
  std::size_t cut = max;
  for (int k = 0; k < 3 && cut > 0 && IsContinuation(static_cast<unsigned char>(text[cut])); ++k) {
    --cut;
  }
  return cut;
}

}  // namespace vox::text
