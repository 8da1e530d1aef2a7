#include "text/normalizer.h"

#include <vector>

#include "text/cleanup.h"
#include "text/emitter.h"
#include "text/english_fold.h"
#include "text/rule_context.h"
#include "text/sentence_boundary.h"
#include "text/text_util.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

namespace vox::text {
namespace {

using Rule = Match (*)(const Context&, std::size_t, Emitter&);

// Most specific first: an address or a phone number contains digits and dots
// that the number rule would misread; dates before plain numbers; the word
// rule last, and it always matches.
constexpr Rule kRules[] = {ReadFixed,        ReadAddress, ReadPhone,  ReadDateTime,
                           ReadMoney,        ReadMeasure, ReadNumber, ReadAbbreviation,
                           ReadRomanNumeral, ReadSymbols, ReadWord};

// Mostly upper-case text ("WARNING: THE FBI IS HERE") is shouted; capitals
// then say nothing about initialisms.
bool DetectShouting(const std::vector<Token>& tokens) {
  std::size_t upper = 0;
  std::size_t lower = 0;
  for (const Token& t : tokens) {
    std::size_t letters = 0;
    bool has_lower = false;
    for (char c : t.core) {
      if (IsAlpha(c)) ++letters;
      if (IsLower(c)) has_lower = true;
    }
    if (letters < 2) continue;
    (has_lower ? lower : upper) += 1;
  }
  return upper >= 2 && upper * 10 >= (upper + lower) * 7;
}

void EmitLead(std::string_view lead, Emitter& out) {
  for (char c : lead) {
    if (c == '(' || c == '[' || c == '{') out.Pause();
  }
}

// `next` is the following token's core, "" at the end of the text.
void EmitTrail(std::string_view core, std::string_view trail, std::string_view next,
               bool last_token, Emitter& out) {
  for (std::size_t k = 0; k < trail.size(); ++k) {
    switch (trail[k]) {
      case '.':
        if (k + 1 < trail.size() && trail[k + 1] == '.') {
          // An ellipsis trails off: a pause, or a stop before a new sentence.
          while (k + 1 < trail.size() && trail[k + 1] == '.') ++k;
          if (last_token || EndsSentence(core, "...", next)) {
            out.Stop('.');
          } else {
            out.Pause();
          }
        } else {
          out.Stop('.');
        }
        break;
      case '!':
      case '?':
        out.Stop(trail[k]);
        break;
      case ',':
      case ';':
      case ':':
      case ')':
      case ']':
      case '}':
        out.Pause();
        break;
      default:
        break;  // quotes and emphasis marks are not spoken
    }
  }
}

std::string NormalizeEnglish(std::string_view cleaned) {
  const std::string folded = FoldForEnglish(cleaned);
  const std::vector<Token> tokens = Tokenize(folded);
  const Context ctx(tokens, DetectShouting(tokens));
  Emitter out(folded.size() + folded.size() / 2);
  std::size_t i = 0;
  while (i < tokens.size()) {
    // "(555) 123-4567": the bracket belongs to the number, not a pause.
    Emitter probe;
    const bool phone = tokens[i].lead == "(" && ReadPhone(ctx, i, probe);
    if (!phone) EmitLead(tokens[i].lead, out);
    Match m;
    for (Rule rule : kRules) {
      m = rule(ctx, i, out);
      if (m) break;
    }
    const std::size_t end = i + m.tokens;
    const std::string_view trail = tokens[end - 1].trail;
    EmitTrail(tokens[end - 1].core, trail.substr(std::min(m.trail_skip, trail.size())),
              ctx.Core(end), end >= tokens.size(), out);
    i = end;
  }
  return std::move(out).Finish();
}

}  // namespace

bool IsEnglish(std::string_view language) {
  if (language.size() < 2 || !EqualsIgnoreCase(language.substr(0, 2), "en")) return false;
  return language.size() == 2 || language[2] == '-' || language[2] == '_';
}

Result<std::string> Normalize(std::string_view input, const NormalizeOptions& options) {
  VOX_RETURN_IF_ERROR(ValidateUtf8(input));
  std::string cleaned = CleanText(input);
  if (!IsEnglish(options.language)) return cleaned;
  return NormalizeEnglish(cleaned);
}

}  // namespace vox::text
