// Small ASCII helpers shared by the English rules (internal to vox_text).
#pragma once

#include <string>
#include <string_view>

namespace vox::text {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
inline bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
inline bool IsVowel(char c) {
  switch (ToLower(c)) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      return true;
    default:
      return false;
  }
}

inline bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}
inline bool AllAlpha(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsAlpha(c)) return false;
  }
  return true;
}
inline bool AllUpper(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsUpper(c)) return false;
  }
  return true;
}
// "Smith", "St", "A": starts with a capital letter.
inline bool StartsUpper(std::string_view s) { return !s.empty() && IsUpper(s[0]); }
inline bool StartsLower(std::string_view s) { return !s.empty() && IsLower(s[0]); }
inline bool StartsDigit(std::string_view s) { return !s.empty() && IsDigit(s[0]); }
inline bool HasLower(std::string_view s) {
  for (char c : s) {
    if (IsLower(c)) return true;
  }
  return false;
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

// Parses a short run of digits (at most 9) as an int; -1 when not all digits.
inline int SmallInt(std::string_view s) {
  if (s.empty() || s.size() > 9 || !AllDigits(s)) return -1;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Letters separated by spaces, upper-cased: "fbi" -> "F B I".
inline std::string SpellLetters(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!IsAlpha(c)) continue;
    if (!out.empty()) out += ' ';
    out += ToUpper(c);
  }
  return out;
}

}  // namespace vox::text
