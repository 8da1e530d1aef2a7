// Numbers that stand alone: cardinals, decimals, negatives, years, ranges,
// ordinals, decades, fractions, ratios, "5K", "10x", "2+2=4".
#include <string>

#include "text/number_parse.h"
#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

bool OneOf(std::string_view w, std::initializer_list<std::string_view> list) {
  for (std::string_view x : list) {
    if (w == x) return true;
  }
  return false;
}

// Words after which a four-digit number is a count, not a year.
bool CountContext(std::string_view prev) {
  return OneOf(prev,
               {"number", "no",    "nos",   "page",    "pages", "p",      "pp",     "room",
                "rooms",  "suite", "total", "exactly", "than",  "nearly", "almost", "approximately",
                "over",   "under", "only",  "just",    "some",  "about",  "#"});
}

// Words after which a four-digit number outside 1100..2099 is still a year.
bool YearContext(std::string_view prev) {
  return OneOf(prev, {"in",     "since",  "by",     "from", "until",  "till",  "during", "before",
                      "after",  "circa",  "c",      "ca",   "year",   "early", "late",   "mid",
                      "spring", "summer", "autumn", "fall", "winter", "around"});
}

// Words before a house, flat or gate number, where "4B" is a label.
bool AddressContext(std::string_view prev) {
  return OneOf(prev, {"apt", "apartment", "suite", "ste", "unit", "room", "gate", "flat", "seat",
                      "row", "platform", "building", "bldg", "floor", "level", "no", "number"});
}

bool EraNext(std::string_view next) {
  return OneOf(next, {"BC", "AD", "BCE", "CE", "B.C", "A.D", "B.C.E", "C.E"});
}

bool IsYear(const Context& ctx, std::size_t i, int value) {
  const std::string prev = ctx.PrevLower(i);
  if (CountContext(prev)) return false;
  if (EraNext(ctx.Core(i + 1))) return true;
  if (YearContext(prev) && value >= 1000 && value <= 2999) return true;
  return value >= 1100 && value <= 2099;
}

// "1/2" -> "one half"; with `mixed` ("2 1/2") -> "a half".
std::string FractionWords(int numerator, int denominator, bool mixed) {
  std::string den;
  const bool plural = numerator != 1;
  if (denominator == 2) {
    den = plural ? "halves" : "half";
  } else if (denominator == 4) {
    den = plural ? "quarters" : "quarter";
  } else {
    den = OrdinalWords(std::to_string(denominator));
    if (plural) den += 's';
  }
  if (mixed && numerator == 1) return "a " + den;
  return CardinalWords(static_cast<std::uint64_t>(numerator)) + " " + den;
}

bool SimpleFraction(std::string_view s, int* num, int* den) {
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  *num = SmallInt(s.substr(0, slash));
  *den = SmallInt(s.substr(slash + 1));
  if (*num < 0 || *den < 2 || s.substr(slash + 1).starts_with('0')) return false;
  return *num < *den && (*den <= 10 || *den == 100);
}

bool OrdinalSuffix(std::string_view s) {
  return s.size() == 2 && (EqualsIgnoreCase(s, "st") || EqualsIgnoreCase(s, "nd") ||
                           EqualsIgnoreCase(s, "rd") || EqualsIgnoreCase(s, "th"));
}

std::string_view MagnitudeWord(std::string_view suffix) {
  if (suffix == "k" || suffix == "K") return "thousand";
  if (suffix == "M" || suffix == "mn" || suffix == "MM") return "million";
  if (suffix == "B" || suffix == "bn" || suffix == "b") return "billion";
  if (suffix == "T" || suffix == "tn" || suffix == "tr") return "trillion";
  return {};
}

// "1990-95", "1990-1995": a range of years.
bool ReadYearRange(const NumberLiteral& a, std::string_view rest, Emitter& out) {
  if (!a.IsPlainInteger() || a.integer.size() != 4 || a.HasLeadingZero()) return false;
  const int from = SmallInt(a.integer);
  const int to = SmallInt(rest);
  if (from < 1000 || from > 2999 || to < 0) return false;
  if (rest.size() == 4 && to > from && to <= 2999) {
    out.Word(YearWords(from) + " to " + YearWords(to));
    return true;
  }
  if (rest.size() == 2 && to > from % 100) {
    const std::string tail = to < 10 ? "oh " + CardinalWords(rest) : CardinalWords(rest);
    out.Word(YearWords(from) + " to " + tail);
    return true;
  }
  return false;
}

// "2+2=4", "3*4", "10^6", "1920x1080": numbers joined by operators.
bool ReadExpression(std::string_view s, Emitter& out) {
  std::string words;
  std::size_t pos = 0;
  int operators = 0;
  bool expect_number = true;
  while (pos < s.size()) {
    if (expect_number) {
      auto n = ParseNumberPrefix(s.substr(pos), /*allow_sign=*/pos == 0);
      if (!n) return false;
      if (!words.empty()) words += ' ';
      words += SpeakNumber(*n);
      pos += n->length;
      expect_number = false;
      continue;
    }
    std::string_view op;
    std::size_t len = 1;
    switch (s[pos]) {
      case '+':
        op = "plus";
        break;
      case '-':
        op = "minus";
        break;
      case '*':
        op = "times";
        break;
      case '/':
        op = "divided by";
        break;
      case '=':
        op = "equals";
        break;
      case '^':
        op = "to the power of";
        break;
      case '<':
        op = "is less than";
        break;
      case '>':
        op = "is greater than";
        break;
      case 'x':
      case 'X':
        op = "by";
        break;
      default:
        if (s.substr(pos).starts_with("\u00D7")) op = "times", len = 2;
        if (s.substr(pos).starts_with("\u00F7")) op = "divided by", len = 2;
        break;
    }
    if (op.empty()) return false;
    words += ' ';
    words += op;
    pos += len;
    ++operators;
    expect_number = true;
  }
  if (expect_number || operators == 0) return false;
  // Only slashes ("2/30/2024") is no arithmetic: leave it to the word rule.
  if (s.find_first_of("+-*=^<>xX\xC3") == std::string_view::npos) return false;
  out.Word(words);
  return true;
}

Match ReadLiteral(const Context& ctx, std::size_t i, const NumberLiteral& n, Emitter& out) {
  // "2 1/2" -> "two and a half".
  int num = 0;
  int den = 0;
  if (!n.has_point && !n.negative && ctx.Joined(i) && SimpleFraction(ctx.Core(i + 1), &num, &den) &&
      den <= 10 && ctx[i + 1].lead.empty()) {
    out.Word(SpeakNumber(n) + " and " + FractionWords(num, den, /*mixed=*/true));
    return {2, 0};
  }
  if (n.IsPlainInteger() && n.integer.size() == 4 && !n.HasLeadingZero()) {
    const int value = SmallInt(n.integer);
    if (IsYear(ctx, i, value)) {
      out.Word(YearWords(static_cast<std::uint64_t>(value)));
      return {1, 0};
    }
  }
  // "'99" -> "ninety-nine", "'05" -> "oh five" (abbreviated years).
  if (ctx[i].lead.ends_with('\'') && n.IsPlainInteger() && n.integer.size() == 2) {
    out.Word(n.integer[0] == '0' ? "oh " + CardinalWords(n.integer) : CardinalWords(n.integer));
    return {1, 0};
  }
  out.Word(SpeakNumber(n));
  return {1, 0};
}

}  // namespace

Match ReadNumber(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.empty()) return {};
  const char c0 = core[0];
  if (!IsDigit(c0) && !(core.size() > 1 && (c0 == '-' || c0 == '+' || c0 == '.'))) return {};

  if (auto n = ParseNumber(core)) return ReadLiteral(ctx, i, *n, out);

  auto head = ParseNumberPrefix(core);
  if (!head) return {};
  const std::string_view rest = core.substr(head->length);

  // Ordinals: "1st", "23rd", "101st", "1,000th".
  if (OrdinalSuffix(rest) && !head->has_point && !head->negative && !head->plus) {
    out.Word(OrdinalWords(head->integer));
    return {1, 0};
  }
  // Decades and plurals: "1990s", "'80s", "80's", "in 5s".
  if ((rest == "s" || rest == "'s") && head->IsPlainInteger()) {
    const int value = SmallInt(head->integer);
    const bool year = head->integer.size() == 4 && value >= 1000 && value <= 2999;
    const bool decade = (year || head->integer.size() == 2) && value % 10 == 0;
    std::string words =
        year ? YearWords(static_cast<std::uint64_t>(value)) : CardinalWords(head->integer);
    if (rest == "'s" && !decade) {
      out.Word(words + "'s");  // a possessive: "2024's best"
    } else {
      out.Word(PluralizeNumberWords(words));
    }
    return {1, 0};
  }
  // "18+" -> "eighteen plus".
  if (rest == "+") {
    out.Word(SpeakNumber(*head) + " plus");
    return {1, 0};
  }
  if (rest.size() > 1 && rest[0] == '-') {
    if (ReadYearRange(*head, rest.substr(1), out)) return {1, 0};
    if (auto q = ParseQuantityPrefix(core); q && q->length == core.size()) {
      // "between 3-5" -> "between three and five"
      const std::size_t to = q->words.find(" to ");
      if (ctx.PrevLower(i) == "between" && to != std::string::npos)
        q->words.replace(to, 4, " and ");
      out.Word(q->words);
      return {1, 0};
    }
  }
  // Fractions "3/4" and ratios "16:9" (valid dates and times are read before this rule).
  if (rest.size() > 1 && (rest[0] == '/' || rest[0] == ':') && head->IsPlainInteger()) {
    auto second = ParseNumber(rest.substr(1), /*allow_sign=*/false);
    if (second && second->IsPlainInteger()) {
      int num = 0;
      int den = 0;
      if (rest[0] == '/' && SimpleFraction(core, &num, &den) && den == 100) {
        out.Word(SpeakNumber(*head) + " out of one hundred");  // "95/100"
      } else if (rest[0] == '/' && SimpleFraction(core, &num, &den)) {
        out.Word(FractionWords(num, den, /*mixed=*/false));
      } else if (rest[0] == '/' && head->integer == second->integer) {
        out.Word(SpeakNumber(*head) + " " + SpeakNumber(*second));  // "50/50"
      } else {
        out.Word(SpeakNumber(*head) + (rest[0] == '/' ? " slash " : " to ") + SpeakNumber(*second));
      }
      return {1, 0};
    }
  }
  // "5K" -> "five thousand", "2.5bn" -> "two point five billion"; but not
  // in addresses: "221B Baker Street", "Apt. 4B".
  if (std::string_view magnitude = MagnitudeWord(rest);
      !magnitude.empty() && !StartsUpper(ctx.Core(i + 1)) && !AddressContext(ctx.PrevLower(i))) {
    out.Word(SpeakNumber(*head) + " " + std::string(magnitude));
    return {1, 0};
  }
  // "10x" -> "ten times".
  if (rest == "x" || rest == "X") {
    out.Word(SpeakNumber(*head) + " times");
    return {1, 0};
  }
  if (ReadExpression(core, out)) return {1, 0};
  return {};
}

}  // namespace vox::text
