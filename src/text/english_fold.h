// Folds cleaned text towards the ASCII that the English rules work on.
#pragma once

#include <string>
#include <string_view>

#include "text/offset_map.h"

namespace vox::text {

// For text already passed through CleanText: typographic quotes become ' and ",
// en dashes and minus signs become '-', em dashes become a spaced " - " (read as
// a pause), the ellipsis character becomes "...", Latin letters with
// diacritics lose them (café -> cafe, ß -> ss, Ł -> L), full-width ASCII
// becomes ASCII, vulgar fractions become "1/2", and emoji become spaces.
// Other non-ASCII characters (currency signs, degree signs, Greek letters,
// other scripts) are kept for the token rules, which read or drop them.
std::string FoldForEnglish(std::string_view cleaned);
// The same, also filling `map` (when not null) with the span of `cleaned` behind every output byte.
std::string FoldForEnglish(std::string_view cleaned, OffsetMap* map);

}  // namespace vox::text
