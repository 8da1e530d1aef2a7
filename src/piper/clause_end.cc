#include "piper/clause_end.h"

#include <unicode/uchar.h>

#include <vector>

#include "text/utf8.h"

namespace vox::piper {
namespace {

// espeak-ng's clause types (translate.h, 1.51): pause | intonation | type.
constexpr int kIntonationComma = 0x1000;
constexpr int kIntonationQuestion = 0x2000;
constexpr int kIntonationExclamation = 0x3000;
constexpr int kIntonationNone = 0x4000;
constexpr int kOptionalSpaceAfter = 0x8000;
constexpr int kTypeEof = 0x10000;
constexpr int kTypeClause = 0x40000;
constexpr int kTypeSentence = 0x80000;
constexpr int kSpeakPunctuationName = 0x200000;

constexpr int kClauseNone = 0 | kIntonationNone;
constexpr int kClauseParagraph = 70 | kTypeSentence;
constexpr int kClauseEof = 40 | kTypeSentence | kTypeEof;
constexpr int kClausePeriod = 40 | kTypeSentence;
constexpr int kClauseComma = 20 | kIntonationComma | kTypeClause;
constexpr int kClauseQuestion = 40 | kIntonationQuestion | kTypeSentence;
constexpr int kClauseExclamation = 45 | kIntonationExclamation | kTypeSentence;
constexpr int kClauseColon = 30 | kTypeClause;
constexpr int kClauseSemicolon = 30 | kIntonationComma | kTypeClause;
constexpr int kClauseEllipsis = kClauseSemicolon | kSpeakPunctuationName | kOptionalSpaceAfter;

// espeak's clause_type_from_codepoint() for the punctuation it knows.
int ClauseType(char32_t c) {
  switch (c) {
    case U'.':
    case U'\u0589':
    case U'\u06D4':
    case U'\u0964':
      return kClausePeriod;
    case U'\u3002':
    case U'\uFF0E':
    case U'\uFF61':
      return kClausePeriod | kOptionalSpaceAfter;
    case U'?':
    case U'\u037E':
    case U'\u061F':
    case U'\u2047':
      return kClauseQuestion;
    case U'\uFF1F':
      return kClauseQuestion | kOptionalSpaceAfter;
    case U'!':
    case U'\u203C':
      return kClauseExclamation;
    case U'\uFF01':
      return kClauseExclamation | kOptionalSpaceAfter;
    case U',':
    case U'\u060C':
      return kClauseComma;
    case U'\u3001':
    case U'\uFF0C':
      return kClauseComma | kOptionalSpaceAfter;
    case U':':
      return kClauseColon;
    case U'\uFF1A':
      return kClauseColon | kOptionalSpaceAfter;
    case U';':
    case U'\u061B':
    case U'\u2013':
    case U'\u2014':
      return kClauseSemicolon;
    case U'\uFF1B':
    case U'\u00A1':
    case U'\u00BF':
      return kClauseSemicolon | kOptionalSpaceAfter;
    case U'\u2026':
      return kClauseEllipsis;
    case U'\u2029':
      return kClauseParagraph;
    default:
      return kClauseNone;
  }
}

bool IsSpace(char32_t c) { return c == U' ' || (c >= 9 && c <= 13) || u_isUWhiteSpace(c); }

// The terminator ReadClause() returned for this clause.
int Terminator(const std::vector<char32_t>& cps, bool at_end) {
  std::size_t end = cps.size();
  int newlines = 0;
  while (end > 0 && IsSpace(cps[end - 1])) newlines += cps[--end] == U'\n';
  // Punctuation ends a clause only once a letter or digit was read.
  bool any_alnum = false;
  for (std::size_t i = 0; i < end && !any_alnum; ++i) any_alnum = u_isalnum(cps[i]);
  // The trailing run of punctuation is read by its first character.
  std::size_t start = end;
  while (start > 0 && ClauseType(cps[start - 1]) != kClauseNone) --start;
  int type = kClauseNone;
  if (start < end && any_alnum) {
    const bool dots =
        end - start >= 3 && cps[start] == U'.' && cps[start + 1] == U'.' && cps[start + 2] == U'.';
    type = dots ? kClauseEllipsis : ClauseType(cps[start]);
  }
  if (type != kClauseNone) {
    if (newlines < 2) return type;
    if (type == kClauseQuestion || type == kClauseExclamation) return type + 35;
    return kClauseParagraph;
  }
  if (newlines >= 2) return kClauseParagraph;
  return at_end ? kClauseEof : kClauseNone;
}

}  // namespace

ClauseEnd ClassifyClauseEnd(std::string_view clause, bool at_end) {
  std::vector<char32_t> cps;
  for (std::size_t pos = 0; pos < clause.size();) cps.push_back(text::DecodeUtf8(clause, pos));
  const int terminator = Terminator(cps, at_end);
  // Piper (phonemize.cpp): the exact types add punctuation, the sentence bit ends a sentence.
  ClauseEnd result;
  switch (terminator & 0x000FFFFF) {
    case kClausePeriod:
      result.punctuation = ClausePunctuation::kPeriod;
      break;
    case kClauseQuestion:
      result.punctuation = ClausePunctuation::kQuestion;
      break;
    case kClauseExclamation:
      result.punctuation = ClausePunctuation::kExclamation;
      break;
    case kClauseComma:
      result.punctuation = ClausePunctuation::kComma;
      break;
    case kClauseColon:
      result.punctuation = ClausePunctuation::kColon;
      break;
    case kClauseSemicolon:
      result.punctuation = ClausePunctuation::kSemicolon;
      break;
    default:
      break;
  }
  result.ends_sentence = (terminator & kTypeSentence) != 0;
  return result;
}

std::u32string_view PunctuationPhonemes(ClausePunctuation punctuation) {
  switch (punctuation) {
    case ClausePunctuation::kPeriod:
      return U".";
    case ClausePunctuation::kQuestion:
      return U"?";
    case ClausePunctuation::kExclamation:
      return U"!";
    case ClausePunctuation::kComma:
      return U", ";
    case ClausePunctuation::kColon:
      return U": ";
    case ClausePunctuation::kSemicolon:
      return U"; ";
    case ClausePunctuation::kNone:
      break;
  }
  return U"";
}

}  // namespace vox::piper
