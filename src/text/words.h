// The catch-all reading of a token that no specific rule claimed
// (internal to vox_text).
#pragma once

#include <string_view>

#include "text/emitter.h"

namespace vox::text {

// Reads any text piece by piece: letter runs through SpeakLetterWord, digit
// runs as numbers (with ordinal suffixes and decimals), symbols by name
// (& -> "and", + -> "plus", . between letters -> "dot", × -> "times"),
// hyphens, slashes and underscores as word breaks, and anything unknown
// (emoji, other scripts) dropped. Never emits digits or non-ASCII.
void SpeakMixed(std::string_view text, bool shouting, Emitter& out);

// The spoken name of a non-ASCII symbol ("×" -> "times", "π" -> "pi"), or ""
// when it has none and should be dropped. `cp` is a Unicode code point.
std::string_view SymbolName(char32_t cp);

}  // namespace vox::text
