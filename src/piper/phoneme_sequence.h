// The steps between espeak's IPA and the model's input ids, as Piper takes
// them (piper-phonemize phonemize.cpp and phoneme_ids.cpp): one token per
// Unicode code point after NFD, the voice's phoneme_map, language-switch
// flags removed, then ids with Piper's BOS/PAD/EOS interleaving.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vox::piper {

using PhonemeMap = std::map<char32_t, std::vector<char32_t>>;
using PhonemeIdMap = std::map<char32_t, std::vector<int64_t>>;

// NFD-decomposed code points of UTF-8 `text` ("ç" -> "c" + U+0327), by ICU.
std::u32string NfdCodePoints(std::string_view text);

// Each phoneme with a mapping replaced by its list; the others kept.
std::u32string ApplyPhonemeMap(std::u32string_view phonemes, const PhonemeMap& map);

// espeak marks words it read in another language "(en)wˈɜːld(fr)": the flags
// go, the phonemes between them stay (everything from '(' through ')').
std::u32string RemoveLanguageFlags(std::u32string_view phonemes);

// ^ _ then each phoneme's ids followed by _ , then $. A phoneme the map lacks
// is skipped and counted in `missing`. The map must hold ^ _ $ (VoiceConfig
// checks it).
std::vector<int64_t> PhonemeIds(std::u32string_view phonemes, const PhonemeIdMap& map,
                                std::map<char32_t, std::size_t>& missing);

std::string ToUtf8(std::u32string_view code_points);

}  // namespace vox::piper
