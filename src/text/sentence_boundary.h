// The one place that decides whether ". ! ? ..." ends a sentence.
//
// Both the sentence splitter (on raw text) and the English normalizer (when
// an abbreviation's period might double as a full stop) ask the same
// question, so "Dr. Smith" stays one sentence in both and "... Acme Inc. The
// firm ..." becomes two in both.
#pragma once

#include <string_view>

namespace vox::text {

// `word` is the text just before the terminator with no spaces ("Dr", "U.S",
// "3", "(etc"); `terminator` is the run of . ! ? or "..." ("." / "?!" /
// "..."); `next_word` is the following word without spaces, empty at the end
// of the text. Returns true when the terminator ends the sentence.
//
// A period is not a boundary after titles and Latin abbreviations (Dr. Mr.
// e.g. vs.), after No./Fig./Jan. when a number follows, before a lower-case
// word, or after an initial or an initialism ("J. R. R. Tolkien", "U.S. Army")
// unless the next word is a usual sentence opener ("The", "It", "We"). After
// etc./Inc./Jr./p.m. it is one when a capital follows.
bool EndsSentence(std::string_view word, std::string_view terminator, std::string_view next_word);

// True when EndsSentence(word, terminator, next) may depend on more of
// `next` than its first character (after an initial or "St.", where only
// "The"/"It"-like openers end the sentence). Streaming callers use it to
// decide without waiting for the whole next word.
bool NextWordMatters(std::string_view word, std::string_view terminator);

// Capitalized words that commonly open a sentence ("The", "It", "However").
bool IsSentenceStarter(std::string_view word);

}  // namespace vox::text
