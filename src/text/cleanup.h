// Language-neutral clean-up that every language gets before its own rules.
#pragma once

#include <string>
#include <string_view>

#include "text/offset_map.h"

namespace vox::text {

// For valid UTF-8 `text`: control characters are removed, except tab, newline,
// carriage return, vertical tab and form feed, which become spaces; Unicode
// spaces (no-break space, em space, line separator, ...) become spaces;
// invisible format characters that only affect display (BOM, zero-width
// space, soft hyphen, bidi marks, word joiner) are removed; runs of spaces
// collapse to one and the ends are trimmed. Joiners (U+200C/U+200D) are kept
// because Indic and Persian spelling depends on them.
std::string CleanText(std::string_view text);
// The same, also filling `map` (when not null) with the source span of every output byte.
std::string CleanText(std::string_view text, OffsetMap* map);

}  // namespace vox::text
