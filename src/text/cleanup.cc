#include "text/cleanup.h"

#include "text/utf8.h"

namespace vox::text {
namespace {

enum class CharClass { kKeep, kSpace, kDrop };

CharClass Classify(char32_t cp) {
  if (cp < 0x20) {
    return (cp >= 0x09 && cp <= 0x0D) ? CharClass::kSpace : CharClass::kDrop;
  }
  if (cp < 0x7F) return cp == 0x20 ? CharClass::kSpace : CharClass::kKeep;
  if (cp == 0x7F) return CharClass::kDrop;
  if (cp < 0xA0) return cp == 0x85 ? CharClass::kSpace : CharClass::kDrop;  // C1; NEL is a newline
  switch (cp) {
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return CharClass::kSpace;
    case 0xAD:
    case 0x200B:
    case 0x200E:
    case 0x200F:
    case 0x2060:
    case 0xFEFF:
    case 0xFFFE:
    case 0xFFFF:
      return CharClass::kDrop;
    default:
      break;
  }
  if (cp >= 0x2000 && cp <= 0x200A) return CharClass::kSpace;
  if (cp >= 0x202A && cp <= 0x202E) return CharClass::kDrop;  // bidi embeddings
  if (cp >= 0x2066 && cp <= 0x2069) return CharClass::kDrop;  // bidi isolates
  return CharClass::kKeep;
}

}  // namespace

std::string CleanText(std::string_view text) { return CleanText(text, nullptr); }

std::string CleanText(std::string_view text, OffsetMap* map) {
  std::string out;
  SourceSpan space;  // the first whitespace character of the pending run
  if (map != nullptr) map->clear();
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t cp = DecodeUtf8(text, pos);
    // Callers validate first; a malformed byte that slips through is dropped, never copied.
    const bool malformed = cp == 0xFFFD && pos - start == 1;
    switch (malformed ? CharClass::kDrop : Classify(cp)) {
      case CharClass::kDrop:
        break;
      case CharClass::kSpace:
        if (!pending_space) space = {start, pos};
        pending_space = true;
        break;
      case CharClass::kKeep:
        if (pending_space && !out.empty()) {
          out += ' ';
          if (map != nullptr) map->push_back(space);
        }
        pending_space = false;
        out.append(text.substr(start, pos - start));
        if (map != nullptr) map->resize(out.size(), SourceSpan{start, pos});
        break;
    }
  }
  return out;
}

}  // namespace vox::text
