// BCP-47 language tags as the engines need them: well-formedness, the primary
// language, and RFC 4647 matching ("en" covers "en-US"; "de-AT" falls back to "de").
//
// Comparisons ignore case and accept '_' for '-' ("pt_br" is "pt-BR"), because
// clients and engines spell tags both ways. "cmn" (Mandarin, espeak's name) is
// treated as "zh". This is deliberately not a full BCP-47 validator: it checks
// the shape (2-3 letter language, then 1-8 character alphanumeric subtags).
#pragma once

#include <string>
#include <string_view>

namespace vox::engines {

// True for "en", "pt-BR", "zh-Hans-CN", "es-419"; false for "", "e", "english", "en--US".
bool IsWellFormedLanguageTag(std::string_view tag);

// Lower-case, '-'-separated, "cmn" -> "zh": the form used for comparisons.
std::string NormalizeLanguageTag(std::string_view tag);

// The normalized primary language: "pt-BR" -> "pt", "cmn" -> "zh".
std::string PrimaryLanguage(std::string_view tag);

// RFC 4647 basic filtering: `range` matches `tag` if equal or a prefix ending at a '-'.
// "en" matches "en-US"; "en-GB" does not match "en-US" nor "en".
bool LanguageRangeMatches(std::string_view range, std::string_view tag);

// Same primary language ("en-GB" and "en-US" are both English).
bool SamePrimaryLanguage(std::string_view a, std::string_view b);

}  // namespace vox::engines
