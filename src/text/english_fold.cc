#include "text/english_fold.h"

#include <string_view>

#include "text/utf8.h"

namespace vox::text {
namespace {

// U+00C0..U+00FF, one entry each; "" where the code point is a symbol (× ÷).
constexpr std::string_view kLatin1[64] = {
    "A", "A", "A", "A", "A", "A", "Ae", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F base letters; '?' marks the two-letter ligatures handled apart.
constexpr std::string_view kLatinExtA =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo??RrRrRr"
    "SsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
static_assert(kLatinExtA.size() == 128);

bool IsEmoji(char32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2300 && cp <= 0x23FF) ||
         (cp >= 0x2190 && cp <= 0x21FF);
}

// Returns the replacement for `cp`, or nullptr to keep the character as it is.
const char* Fold(char32_t cp, bool after_digit) {
  switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0xB4:
      return "'";
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0xAB:
    case 0xBB:
    case 0x2039:
    case 0x203A:
      return "\"";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2212:
    case 0xFE63:
      return "-";
    case 0x2014:
    case 0x2015:
    case 0x2E3A:
    case 0x2E3B:
    case 0x2022:
    case 0x2023:
    case 0x2043:
    case 0x2219:
    case 0x25E6:
    case 0xB7:
      return " - ";
    case 0x2026:
      return "...";
    case 0x2103:
      return "\u00B0C";
    case 0x2109:
      return "\u00B0F";
    case 0xFB00:
      return "ff";
    case 0xFB01:
      return "fi";
    case 0xFB02:
      return "fl";
    case 0x0219:
      return "s";
    case 0x0218:
      return "S";
    case 0x021B:
      return "t";
    case 0x021A:
      return "T";
    case 0x0192:
      return "f";
    // A fraction glued to a whole number ("2½") becomes its own token.
    case 0xBD:
      return after_digit ? " 1/2" : "1/2";
    case 0xBC:
      return after_digit ? " 1/4" : "1/4";
    case 0xBE:
      return after_digit ? " 3/4" : "3/4";
    case 0x2153:
      return after_digit ? " 1/3" : "1/3";
    case 0x2154:
      return after_digit ? " 2/3" : "2/3";
    case 0x2155:
      return after_digit ? " 1/5" : "1/5";
    case 0x215B:
      return after_digit ? " 1/8" : "1/8";
    case 0x215C:
      return after_digit ? " 3/8" : "3/8";
    case 0x215D:
      return after_digit ? " 5/8" : "5/8";
    case 0x215E:
      return after_digit ? " 7/8" : "7/8";
    case 0xFE0E:
    case 0xFE0F:
    case 0x200D:
    case 0x20E3:
      return "";  // emoji presentation selectors and joiners
    default:
      return nullptr;
  }
}

}  // namespace

std::string FoldForEnglish(std::string_view cleaned) { return FoldForEnglish(cleaned, nullptr); }

std::string FoldForEnglish(std::string_view cleaned, OffsetMap* map) {
  std::string out;
  if (map != nullptr) map->clear();
  out.reserve(cleaned.size() + cleaned.size() / 8);
  std::size_t pos = 0;
  while (pos < cleaned.size()) {
    const auto byte = static_cast<unsigned char>(cleaned[pos]);
    if (byte < 0x80) {
      out += static_cast<char>(byte);
      ++pos;
      if (map != nullptr) map->push_back({pos - 1, pos});
      continue;
    }
    const std::size_t start = pos;
    const char32_t cp = DecodeUtf8(cleaned, pos);
    const bool after_digit = !out.empty() && out.back() >= '0' && out.back() <= '9';
    if (const char* folded = Fold(cp, after_digit)) {
      out += folded;
    } else if (cp >= 0xC0 && cp <= 0xFF && !kLatin1[cp - 0xC0].empty()) {
      out += kLatin1[cp - 0xC0];
    } else if (cp >= 0x100 && cp <= 0x17F) {
      const char c = kLatinExtA[cp - 0x100];
      if (c != '?') {
        out += c;
      } else {
        static constexpr std::string_view kPairs[4] = {"Ij", "ij", "Oe", "oe"};
        out += kPairs[(cp >= 0x152 ? 2 : 0) + (cp & 1)];
      }
    } else if (cp >= 0x300 && cp <= 0x36F) {
      // Combining diacritics: the base letter before them is already ASCII.
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out += static_cast<char>(cp - 0xFEE0);  // full-width ASCII
    } else if (IsEmoji(cp) || (cp >= 0xE0000 && cp <= 0xE007F)) {
      out += ' ';
    } else {
      out.append(cleaned.substr(start, pos - start));
    }
    if (map != nullptr) map->resize(out.size(), SourceSpan{start, pos});
  }
  return out;
}

}  // namespace vox::text
