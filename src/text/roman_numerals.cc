// Roman numerals, only where context makes them unambiguous:
// "Chapter IV" -> "Chapter four", "World War II" -> "World War two",
// "Henry VIII" -> "Henry the eighth". A bare "I", "MIX" or "CD" stays a word.
#include <string>

#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

int RomanDigit(char c) {
  switch (c) {
    case 'I':
      return 1;
    case 'V':
      return 5;
    case 'X':
      return 10;
    case 'L':
      return 50;
    case 'C':
      return 100;
    case 'D':
      return 500;
    case 'M':
      return 1000;
    default:
      return 0;
  }
}

std::string ToRoman(int n) {
  static constexpr struct {
    int value;
    std::string_view symbol;
  } kParts[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
                {90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
                {5, "V"},    {4, "IV"},   {1, "I"}};
  std::string out;
  for (const auto& part : kParts) {
    while (n >= part.value) {
      out += part.symbol;
      n -= part.value;
    }
  }
  return out;
}

// The value of a canonically written numeral ("XIV"), or 0.
int ParseRoman(std::string_view s) {
  if (s.empty() || s.size() > 15) return 0;
  int total = 0;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const int v = RomanDigit(s[k]);
    if (v == 0) return 0;
    const int next = k + 1 < s.size() ? RomanDigit(s[k + 1]) : 0;
    total += v < next ? -v : v;
  }
  if (total <= 0 || total >= 4000 || ToRoman(total) != s) return 0;
  return total;
}

// Words after which a numeral counts: "Chapter IV", "Part II", "Super Bowl LVII".
bool CountingWord(std::string_view lower) {
  static constexpr std::string_view kWords[] = {
      "act",   "appendix", "book",   "bowl",  "chapter", "class",   "episode", "grade",
      "level", "part",     "phase",  "round", "scene",   "section", "stage",   "title",
      "type",  "vol",      "volume", "war",   "article", "canto",   "psalm",   "tier"};
  for (std::string_view w : kWords) {
    if (lower == w) return true;
  }
  return false;
}

// A regnal name before the numeral: "Henry", "Elizabeth", "Paul".
bool IsPlainName(std::string_view w) {
  if (w.size() < 2 || !IsUpper(w[0])) return false;
  for (char c : w.substr(1)) {
    if (!IsLower(c)) return false;
  }
  return true;
}

}  // namespace

Match ReadRomanNumeral(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (i == 0 || core.empty() || !IsUpper(core[0]) || !ctx.Joined(i - 1)) return {};
  const int value = ParseRoman(core);
  if (value == 0) return {};
  const bool small = core.find_first_not_of("IVXL") == std::string_view::npos;
  const std::string prev = Lower(ctx.Core(i - 1));
  // A lone "I" after "book" is the pronoun ("the book I read"); after a
  // capitalized "Book" or "War" it is a numeral.
  const bool counting = CountingWord(prev) && (core.size() > 1 || StartsUpper(ctx.Core(i - 1)));
  if (small && counting) {
    out.Word(CardinalWords(static_cast<std::uint64_t>(value)));
    return {1, 0};
  }
  const bool regnal_digits =
      core.size() >= 2 && core.find_first_not_of("IVX") == std::string_view::npos;
  if (regnal_digits && IsPlainName(ctx.Core(i - 1))) {
    out.Word("the " + OrdinalWords(std::to_string(value)));
    return {1, 0};
  }
  return {};
}

}  // namespace vox::text
