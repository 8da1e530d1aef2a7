#include "text/words.h"

#include <string>

#include "text/acronyms.h"
#include "text/number_parse.h"
#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"
#include "text/utf8.h"

namespace vox::text {
namespace {

// Letters with inner apostrophes and hyphens: "don't", "rock'n'roll", "well-known".
std::size_t LetterRun(std::string_view s, std::size_t pos) {
  std::size_t end = pos;
  while (end < s.size()) {
    if (IsAlpha(s[end])) {
      ++end;
    } else if ((s[end] == '\'' || s[end] == '-') && end + 1 < s.size() && IsAlpha(s[end + 1]) &&
               end > pos) {
      ++end;
    } else {
      break;
    }
  }
  return end - pos;
}

// "CDs" -> "C D's", "FBI's" -> "F B I's", "NASA's" -> "NASA's", "dogs" -> "dogs".
std::string SpeakLetterPart(std::string_view run, bool shouting) {
  std::string_view stem = run;
  std::string_view suffix;
  if (run.size() >= 4 && run.ends_with("'s") && AllUpper(run.substr(0, run.size() - 2))) {
    stem = run.substr(0, run.size() - 2);
    suffix = "'s";
  } else if (run.size() >= 3 && run.back() == 's' && AllUpper(run.substr(0, run.size() - 1))) {
    stem = run.substr(0, run.size() - 1);
    suffix = "s";
  }
  if (run.find('\'') != std::string_view::npos && suffix.empty()) {
    return shouting ? Lower(run) : std::string(run);  // "don't", "O'Brien"
  }
  std::string spoken = SpeakLetterWord(stem, shouting);
  if (suffix.empty()) return spoken;
  // A spelled stem ends in a single letter, whose plural is written "D's".
  const bool spelled = spoken.size() >= 2 && spoken[spoken.size() - 2] == ' ';
  if (spelled) return spoken + "'s";
  return spoken + std::string(suffix);
}

// Hyphenated words keep their hyphens ("well-known", and so "twenty-one"
// stays itself when normalized twice); a spelled part is set off by spaces
// instead ("FBI-led" -> "F B I led").
std::string SpeakLetters(std::string_view run, bool shouting) {
  std::string out;
  bool last_spelled = false;
  std::size_t begin = 0;
  while (begin <= run.size()) {
    std::size_t end = run.find('-', begin);
    if (end == std::string_view::npos) end = run.size();
    const std::string part = SpeakLetterPart(run.substr(begin, end - begin), shouting);
    const bool spelled = part.find(' ') != std::string::npos;
    if (!out.empty()) out += (spelled || last_spelled) ? ' ' : '-';
    out += part;
    last_spelled = spelled;
    begin = end + 1;
  }
  return out;
}

bool IsOrdinalSuffix(std::string_view s) {
  return EqualsIgnoreCase(s, "st") || EqualsIgnoreCase(s, "nd") || EqualsIgnoreCase(s, "rd") ||
         EqualsIgnoreCase(s, "th");
}

}  // namespace

std::string_view SymbolName(char32_t cp) {
  switch (cp) {
    case 0xD7:
      return "times";
    case 0xF7:
      return "divided by";
    case 0xB1:
      return "plus or minus";
    case 0xB0:
      return "degrees";
    case 0xA7:
      return "section";
    case 0xB6:
      return "paragraph";
    case 0xA9:
      return "copyright";
    case 0x20AC:
      return "euros";
    case 0xA3:
      return "pounds";
    case 0xA5:
      return "yen";
    case 0xA2:
      return "cents";
    case 0x20B9:
      return "rupees";
    case 0xB5:
    case 0x3BC:
      return "micro";
    case 0xB2:
      return "squared";
    case 0xB3:
      return "cubed";
    case 0x2030:
      return "per mille";
    case 0x221E:
      return "infinity";
    case 0x221A:
      return "square root of";
    case 0x2248:
      return "approximately";
    case 0x2260:
      return "not equal to";
    case 0x2264:
      return "less than or equal to";
    case 0x2265:
      return "greater than or equal to";
    case 0x3B1:
    case 0x391:
      return "alpha";
    case 0x3B2:
    case 0x392:
      return "beta";
    case 0x3B3:
    case 0x393:
      return "gamma";
    case 0x3B4:
    case 0x394:
      return "delta";
    case 0x3B5:
      return "epsilon";
    case 0x3B8:
      return "theta";
    case 0x3BB:
      return "lambda";
    case 0x3C0:
    case 0x3A0:
      return "pi";
    case 0x3C3:
    case 0x3A3:
      return "sigma";
    case 0x3C4:
      return "tau";
    case 0x3C6:
    case 0x3A6:
      return "phi";
    case 0x3C9:
    case 0x3A9:
      return "omega";
    default:
      return "";
  }
}

void SpeakMixed(std::string_view s, bool shouting, Emitter& out) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char c = s[pos];
    if (IsAlpha(c)) {
      // "U.S.-based": single capitals joined by periods are spelled.
      std::size_t dotted = pos;
      while (dotted + 1 < s.size() && IsUpper(s[dotted]) && s[dotted + 1] == '.') dotted += 2;
      if (dotted < s.size() && IsUpper(s[dotted]) &&
          (dotted + 1 == s.size() || !IsAlpha(s[dotted + 1]))) {
        ++dotted;  // a last capital without its period: "U.S.A"
      }
      if (dotted - pos >= 3 && (dotted == s.size() || !IsAlpha(s[dotted]))) {
        out.Word(SpellLetters(s.substr(pos, dotted - pos)));
        pos = dotted;
        continue;
      }
      const std::size_t len = LetterRun(s, pos);
      out.Word(SpeakLetters(s.substr(pos, len), shouting));
      pos += len;
      continue;
    }
    if (IsDigit(c)) {
      auto n = ParseNumberPrefix(s.substr(pos), /*allow_sign=*/false);
      std::size_t len = n->length;
      // "2nd-largest": an ordinal inside a longer token.
      const std::size_t after = pos + len;
      if (!n->has_point && after + 2 <= s.size() && IsOrdinalSuffix(s.substr(after, 2)) &&
          (after + 2 == s.size() || !IsAlpha(s[after + 2]))) {
        out.Word(OrdinalWords(n->integer));
        pos = after + 2;
        continue;
      }
      // "©2024": a four-digit run inside a token is most often a year.
      const int value = n->IsPlainInteger() && n->integer.size() == 4 ? SmallInt(n->integer) : 0;
      out.Word(value >= 1100 && value <= 2099 ? YearWords(static_cast<std::uint64_t>(value))
                                              : SpeakNumber(*n));
      pos += len;
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      const char32_t cp = DecodeUtf8(s, pos);
      out.Word(SymbolName(cp));
      continue;
    }
    const bool between_alnum =
        pos > 0 && pos + 1 < s.size() && IsAlnum(s[pos - 1]) && IsAlnum(s[pos + 1]);
    switch (c) {
      case '&':
        out.Word("and");
        break;
      case '@':
        out.Word("at");
        break;
      case '+':
        out.Word("plus");
        break;
      case '=':
        out.Word("equals");
        break;
      case '%':
        out.Word("percent");
        break;
      case '#':
        out.Word("number");
        break;
      case '.':
        if (between_alnum) out.Word("dot");
        break;
      case '/':
        if (pos > 0 && pos + 1 < s.size() && IsDigit(s[pos - 1]) && IsDigit(s[pos + 1])) {
          out.Word("slash");
        }
        break;
      case ',':
      case ';':
      case ':':
      case '!':
      case '?':
        out.Pause();
        break;
      default:
        break;  // - / _ quotes brackets and other marks just separate words
    }
    ++pos;
  }
}

Match ReadWord(const Context& ctx, std::size_t i, Emitter& out) {
  SpeakMixed(ctx[i].core, ctx.shouting(), out);
  return Match{1, 0};
}

}  // namespace vox::text
