// How an espeak-ng clause ended, recovered from the text it consumed.
//
// Piper asks espeak-ng (its fork) for each clause's terminator with
// espeak_TextToPhonemesWithTerminator, keeps the punctuation of a clause that
// ended with . ? ! , : ; and starts a new sentence after one that ended a
// sentence. Debian's espeak-ng 1.51 has only espeak_TextToPhonemes, which
// returns the phonemes and advances the text pointer past the clause and past
// one look-ahead character it keeps for the next clause. From that consumed
// text this file rebuilds the terminator espeak's ReadClause() returned (its
// CLAUSE_* value) and applies Piper's reading of it (phonemize.cpp): the exact
// values CLAUSE_PERIOD, _QUESTION, _EXCLAMATION, _COMMA, _COLON and
// _SEMICOLON add their punctuation; the sentence bit ends a sentence.
//
// Covered: ASCII . , ? ! : ; and the Unicode punctuation espeak classifies
// alike (CJK full-width forms, Arabic, Greek question mark, en/em dashes,
// ellipsis, inverted ¡ ¿), a run of punctuation read by its first character
// ("?!" is a question, three dots an ellipsis), paragraph breaks (two
// newlines) and the end of the text.
#pragma once

#include <string_view>

namespace vox::piper {

enum class ClausePunctuation {
  kNone,
  kPeriod,
  kQuestion,
  kExclamation,
  kComma,
  kColon,
  kSemicolon
};

struct ClauseEnd {
  ClausePunctuation punctuation = ClausePunctuation::kNone;
  bool ends_sentence = false;
};

// `clause`: the UTF-8 text of one clause as espeak read it, without the
// look-ahead character; `at_end`: the call consumed the rest of the text.
ClauseEnd ClassifyClauseEnd(std::string_view clause, bool at_end);

// What Piper appends for a clause's punctuation: "." "?" "!" or ", " ": " "; ".
std::u32string_view PunctuationPhonemes(ClausePunctuation punctuation);

}  // namespace vox::piper
