#include "piper/phoneme_sequence.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "text/utf8.h"

namespace vox::piper {

std::u32string NfdCodePoints(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString decomposed;
  if (U_SUCCESS(status)) decomposed = nfd->normalize(input, status);
  if (U_FAILURE(status)) decomposed = input;  // only on ICU data failure; keep the text as is
  std::u32string out;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

std::u32string ApplyPhonemeMap(std::u32string_view phonemes, const PhonemeMap& map) {
  std::u32string out;
  for (char32_t p : phonemes) {
    auto it = map.find(p);
    if (it == map.end()) {
      out.push_back(p);
    } else {
      out.append(it->second.begin(), it->second.end());
    }
  }
  return out;
}

std::u32string RemoveLanguageFlags(std::u32string_view phonemes) {
  std::u32string out;
  bool in_flag = false;
  for (char32_t p : phonemes) {
    if (in_flag) {
      in_flag = p != U')';
    } else if (p == U'(') {
      in_flag = true;
    } else {
      out.push_back(p);
    }
  }
  return out;
}

std::vector<int64_t> PhonemeIds(std::u32string_view phonemes, const PhonemeIdMap& map,
                                std::map<char32_t, std::size_t>& missing) {
  const std::vector<int64_t>& pad = map.at(U'_');
  std::vector<int64_t> ids;
  auto append = [&ids](const std::vector<int64_t>& more) {
    ids.insert(ids.end(), more.begin(), more.end());
  };
  append(map.at(U'^'));
  append(pad);
  for (char32_t p : phonemes) {
    auto it = map.find(p);
    if (it == map.end()) {
      ++missing[p];
      continue;
    }
    append(it->second);
    append(pad);
  }
  append(map.at(U'$'));
  return ids;
}

std::string ToUtf8(std::u32string_view code_points) {
  std::string out;
  for (char32_t c : code_points) text::AppendUtf8(c, out);
  return out;
}

}  // namespace vox::piper
