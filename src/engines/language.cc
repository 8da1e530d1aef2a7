#include "engines/language.h"

#include <cctype>
#include <vector>

namespace vox::engines {
namespace {

std::vector<std::string_view> Subtags(std::string_view tag) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i == tag.size() || tag[i] == '-' || tag[i] == '_') {
      parts.push_back(tag.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool AllOf(std::string_view s, int (*pred)(int)) {
  for (unsigned char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

}  // namespace

bool IsWellFormedLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  const std::vector<std::string_view> parts = Subtags(tag);
  const std::string_view primary = parts.front();
  if (primary.size() < 2 || primary.size() > 3 || !AllOf(primary, std::isalpha)) return false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].size() > 8 || !AllOf(parts[i], std::isalnum)) return false;
  }
  return true;
}

std::string NormalizeLanguageTag(std::string_view tag) {
  std::string out;
  out.reserve(tag.size());
  for (unsigned char c : tag) out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(c)));
  // espeak-ng names Mandarin "cmn"; clients say "zh". One spelling keeps matching simple.
  if (out == "cmn" || out.starts_with("cmn-")) out.replace(0, 3, "zh");
  return out;
}

std::string PrimaryLanguage(std::string_view tag) {
  std::string normalized = NormalizeLanguageTag(tag);
  return normalized.substr(0, normalized.find('-'));
}

bool LanguageRangeMatches(std::string_view range, std::string_view tag) {
  const std::string r = NormalizeLanguageTag(range);
  const std::string t = NormalizeLanguageTag(tag);
  if (r.empty()) return false;
  return t == r || (t.size() > r.size() && t.starts_with(r) && t[r.size()] == '-');
}

bool SamePrimaryLanguage(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty() && PrimaryLanguage(a) == PrimaryLanguage(b);
}

}  // namespace vox::engines
