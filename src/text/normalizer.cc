#include "text/normalizer.h"

#include <algorithm>
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

// Where the words a rule read from tokens [first, last] came from in `folded`:
// the first token's core up to the end of the last core and the trail
// characters the rule swallowed.
SourceSpan TokenSpan(std::string_view folded, const Token& first, const Token& last,
                     std::size_t trail_skip) {
  const auto offset = [&](std::string_view piece) {
    return static_cast<std::size_t>(piece.data() - folded.data());
  };
  const std::string_view start = first.core.empty() ? first.lead : first.core;
  const std::size_t end =
      offset(last.core) + last.core.size() + std::min(trail_skip, last.trail.size());
  return {offset(start), std::max(end, offset(start))};
}

// With `words`, also reports each output word's span in `cleaned`.
std::string NormalizeEnglish(std::string_view cleaned, std::vector<EmittedWord>* words = nullptr) {
  OffsetMap fold_map;
  const std::string folded = FoldForEnglish(cleaned, words != nullptr ? &fold_map : nullptr);
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
    const std::size_t first_word = out.words().size();
    for (Rule rule : kRules) {
      m = rule(ctx, i, out);
      if (m) break;
    }
    const std::size_t end = i + m.tokens;
    if (words != nullptr) {
      const SourceSpan span = TokenSpan(folded, tokens[i], tokens[end - 1], m.trail_skip);
      out.Attribute(first_word, MapRange(fold_map, span.begin, span.end));
    }
    const std::string_view trail = tokens[end - 1].trail;
    EmitTrail(tokens[end - 1].core, trail.substr(std::min(m.trail_skip, trail.size())),
              ctx.Core(end), end >= tokens.size(), out);
    i = end;
  }
  if (words != nullptr) *words = out.words();
  return std::move(out).Finish();
}

// The words of text that is not rewritten: its space-separated pieces.
std::vector<EmittedWord> SplitWords(std::string_view text) {
  std::vector<EmittedWord> words;
  std::size_t b = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      if (i > b) words.push_back({b, i, {b, i}});
      b = i + 1;
    }
  }
  return words;
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

Result<NormalizedText> NormalizeAligned(std::string_view input, const NormalizeOptions& options) {
  VOX_RETURN_IF_ERROR(ValidateUtf8(input));
  OffsetMap clean_map;
  NormalizedText result;
  result.text = CleanText(input, &clean_map);
  std::vector<EmittedWord> words;
  if (IsEnglish(options.language)) {
    std::string cleaned = std::move(result.text);
    result.text = NormalizeEnglish(cleaned, &words);
  } else {
    words = SplitWords(result.text);
  }
  result.spans.reserve(words.size());
  for (const EmittedWord& w : words) {
    const SourceSpan source = MapRange(clean_map, w.source.begin, w.source.end);
    result.spans.push_back({w.begin, w.end, source.begin, source.end});
  }
  return result;
}

std::pair<std::size_t, std::size_t> NormalizedText::SourceOf(std::size_t begin,
                                                             std::size_t end) const {
  return text::SourceOf(spans, begin, end);
}

std::pair<std::size_t, std::size_t> SourceOf(const std::vector<AlignedSpan>& spans,
                                             std::size_t begin, std::size_t end) {
  std::size_t lo = 0, hi = 0;
  bool found = false;
  for (const AlignedSpan& s : spans) {
    if (s.end <= begin) {
      lo = hi = s.source_end;  // past this word: the position after it, until a better one
      continue;
    }
    if (s.begin >= end) {
      if (!found) lo = hi = s.source_begin;
      break;
    }
    if (!found) {
      lo = s.source_begin;
      hi = s.source_end;
      found = true;
    } else {
      lo = std::min(lo, s.source_begin);
      hi = std::max(hi, s.source_end);
    }
  }
  return {lo, hi};
}

}  // namespace vox::text
