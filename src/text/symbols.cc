// Tokens that start with a symbol: "&", "#5", "#hashtag", "@name", "~5",
// "<5", plus a small table of fixed tech and shorthand tokens ("C++", "24/7").
#include <string>

#include "text/acronyms.h"
#include "text/number_parse.h"
#include "text/rule_context.h"
#include "text/text_util.h"
#include "text/utf8.h"
#include "text/words.h"

namespace vox::text {
namespace {

struct Fixed {
  std::string_view token;
  std::string_view words;
};

// Exact, case-sensitive tokens whose reading no general rule would get right.
constexpr Fixed kFixed[] = {
    {"C++", "C plus plus"},
    {"C#", "C sharp"},
    {"F#", "F sharp"},
    {".NET", "dot net"},
    {"24/7", "twenty-four seven"},
    {"9/11", "nine eleven"},
    {"w/", "with"},
    {"w/o", "without"},
    {"b/c", "because"},
    {"A+", "A plus"},
    {"WWI", "World War one"},
    {"WWII", "World War two"},
    {"aka", "also known as"},
    {"AKA", "also known as"},
    {"PhD", "P H D"},
    {"PhDs", "P H D's"},
    {"iOS", "I O S"},
    {"macOS", "mac O S"},
    {"IoT", "I O T"},
    {"YoY", "year over year"},
    {"n/a", "not applicable"},
    {"N/A", "not applicable"},
    {"&c", "et cetera"},
    {"+/-", "plus or minus"},
    {"->", "to"},
    {"=>", "to"},
    {"<=", "less than or equal to"},
    {">=", "greater than or equal to"},
    {"!=", "not equal to"},
    {"==", "equals"},
};

// "ThrowbackThursday" -> "Throwback Thursday" for hashtags.
void SpeakCamel(std::string_view s, bool shouting, Emitter& out) {
  std::size_t begin = 0;
  for (std::size_t k = 1; k <= s.size(); ++k) {
    const bool boundary = k == s.size() || (IsUpper(s[k]) && IsLower(s[k - 1])) ||
                          (IsDigit(s[k]) != IsDigit(s[k - 1]));
    if (boundary) {
      SpeakMixed(s.substr(begin, k - begin), shouting, out);
      begin = k;
    }
  }
}

std::string_view StandaloneSymbol(std::string_view core) {
  if (core.size() == 1) {
    switch (core[0]) {
      case '&':
        return "and";
      case '+':
        return "plus";
      case '=':
        return "equals";
      case '@':
        return "at";
      case '%':
        return "percent";
      case '#':
        return "number";
      case '/':
        return "slash";
      case '<':
        return "less than";
      case '>':
        return "more than";
      case '~':
        return "about";
      case '$':
        return "dollars";
      default:
        return {};
    }
  }
  std::size_t pos = 0;
  const char32_t cp = DecodeUtf8(core, pos);
  if (pos == core.size() && cp >= 0x80) return SymbolName(cp);
  return {};
}

}  // namespace

Match ReadFixed(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.empty()) return {1, 0};  // punctuation only: nothing to say
  for (const Fixed& f : kFixed) {
    if (core == f.token) {
      out.Word(f.words);
      return {1, 0};
    }
  }
  return {};
}

Match ReadSymbols(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.empty()) return {};
  const char c = core[0];
  // Between two numbers a spaced "-" is minus and "x" is by: "5 - 3", "3 x 4".
  const bool between_numbers = i > 0 && ctx.Joined(i - 1) && ctx.Joined(i) &&
                               StartsDigit(ctx.Core(i - 1)) && StartsDigit(ctx.Core(i + 1)) &&
                               ctx[i + 1].lead.empty();
  if (between_numbers && (core == "-" || core == "x" || core == "X")) {
    out.Word(core == "-" ? "minus" : "by");
    return {1, 0};
  }
  if (IsAlnum(c)) return {};
  // A lone dash or bar separates phrases: a pause.
  if (core.find_first_not_of("-|") == std::string_view::npos) {
    out.Pause();
    return {1, 0};
  }
  if (std::string_view name = StandaloneSymbol(core); !name.empty()) {
    out.Word(name);
    return {1, 0};
  }
  const std::string_view rest = core.substr(1);
  if (rest.empty()) return {};
  if (c == '#') {
    if (auto n = ParseNumber(rest, /*allow_sign=*/false)) {
      out.Word("number");
      out.Word(SpeakNumber(*n));
    } else {
      out.Word("hashtag");
      SpeakCamel(rest, ctx.shouting(), out);
    }
    return {1, 0};
  }
  if (c == '@' && IsAlnum(rest[0])) {
    out.Word("at");
    SpeakMixed(rest, ctx.shouting(), out);
    return {1, 0};
  }
  return {};
}

}  // namespace vox::text
