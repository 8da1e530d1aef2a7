// The terminator rebuilt from consumed text, one case per line: what espeak's
// ReadClause() would have returned, read the way Piper reads it.
#include "piper/clause_end.h"

#include <gtest/gtest.h>

namespace vox::piper {
namespace {

using P = ClausePunctuation;

struct Case {
  const char* clause;
  bool at_end;
  P punctuation;
  bool ends_sentence;
};

TEST(ClauseEnd, RebuildsEspeaksTerminatorAsPiperReadsIt) {
  const Case cases[] = {
      {"Hello, ", false, P::kComma, false},
      {"world. ", false, P::kPeriod, true},
      {"world.", true, P::kPeriod, true},
      {"How are you? ", true, P::kQuestion, true},
      {"Stop! ", false, P::kExclamation, true},
      {"Note: ", false, P::kColon, false},
      {"one; ", false, P::kSemicolon, false},
      {"A \xE2\x80\x94 ", false, P::kSemicolon, false},  // em dash: espeak's extended dash
      {"A \xE2\x80\x93 ", false, P::kSemicolon, false},  // en dash
      {"Really?! ", false, P::kQuestion, true},          // a run reads as its first mark
      {"Really!? ", false, P::kExclamation, true},
      {"Wait... ", false, P::kNone, false},  // ellipsis: no punctuation kept
      {"Wait\xE2\x80\xA6 ", false, P::kNone, false},
      {"no end", true, P::kNone, true},                 // end of text ends the sentence
      {"too long for espeak", false, P::kNone, false},  // cut without punctuation
      {"Title\n\n", false, P::kNone, true},             // paragraph
      {"Done.\n\n", false, P::kNone, true},             // paragraph after a period
      {"Why?\n\n", false, P::kNone, true},
      {"\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82", false, P::kNone, true},  // 。 full-width stop
      {"\xE4\xBD\xA0\xEF\xBC\x8C", false, P::kNone, false},             // ， full-width comma
      {"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7\xD8\x9F ", false, P::kQuestion, true},  // ؟
      {"\xC2\xBFQu\xC3\xA9", true, P::kNone, true},
      {"!!! ", false, P::kNone, false},  // no letter yet: not a clause end
      {"", true, P::kNone, true},
  };
  for (const Case& c : cases) {
    ClauseEnd end = ClassifyClauseEnd(c.clause, c.at_end);
    EXPECT_EQ(end.punctuation, c.punctuation) << "'" << c.clause << "'";
    EXPECT_EQ(end.ends_sentence, c.ends_sentence) << "'" << c.clause << "'";
  }
}

TEST(ClauseEnd, PunctuationPhonemesAreThoseOfPiper) {
  EXPECT_EQ(PunctuationPhonemes(P::kPeriod), U".");
  EXPECT_EQ(PunctuationPhonemes(P::kQuestion), U"?");
  EXPECT_EQ(PunctuationPhonemes(P::kExclamation), U"!");
  EXPECT_EQ(PunctuationPhonemes(P::kComma), U", ");
  EXPECT_EQ(PunctuationPhonemes(P::kColon), U": ");
  EXPECT_EQ(PunctuationPhonemes(P::kSemicolon), U"; ");
  EXPECT_EQ(PunctuationPhonemes(P::kNone), U"");
}

}  // namespace
}  // namespace vox::piper
