#include "text/number_words.h"

#include <array>
#include <string>

namespace vox::text {
namespace {

constexpr std::array<std::string_view, 20> kOnes = {
    "zero",     "one",     "two",     "three",     "four",     "five",    "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 10> kTens = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
constexpr std::array<std::string_view, 12> kScales = {
    "",           "thousand",   "million",   "billion",   "trillion", "quadrillion", "quintillion",
    "sextillion", "septillion", "octillion", "nonillion", "decillion"};

void AppendWords(std::string& out, std::string_view words) {
  if (words.empty()) return;
  if (!out.empty()) out += ' ';
  out += words;
}

// 1..99
std::string BelowHundred(int n) {
  if (n < 20) return std::string(kOnes[n]);
  std::string out(kTens[n / 10]);
  if (n % 10 != 0) {
    out += '-';
    out += kOnes[n % 10];
  }
  return out;
}

// 1..999
std::string BelowThousand(int n) {
  std::string out;
  if (n >= 100) {
    out = std::string(kOnes[n / 100]) + " hundred";
    n %= 100;
  }
  if (n > 0) AppendWords(out, BelowHundred(n));
  return out;
}

}  // namespace

std::string DigitWords(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() * 5);
  for (char c : digits) {
    if (c >= '0' && c <= '9') AppendWords(out, kOnes[c - '0']);
  }
  return out;
}

std::string CardinalWords(std::string_view digits) {
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return "zero";
  digits.remove_prefix(first);
  if (digits.size() > kScales.size() * 3) return DigitWords(digits);
  std::string out;
  const std::size_t groups = (digits.size() + 2) / 3;
  std::size_t pos = 0;
  for (std::size_t g = groups; g-- > 0;) {
    const std::size_t len = digits.size() - pos - g * 3;
    int value = 0;
    for (std::size_t k = 0; k < len; ++k) value = value * 10 + (digits[pos + k] - '0');
    pos += len;
    if (value == 0) continue;
    AppendWords(out, BelowThousand(value));
    AppendWords(out, kScales[g]);
  }
  return out;
}

std::string CardinalWords(std::uint64_t n) { return CardinalWords(std::to_string(n)); }

std::string OrdinalizeWords(std::string_view cardinal) {
  // Only the last word changes; it ends after the last space or hyphen.
  const std::size_t cut = cardinal.find_last_of(" -");
  const std::size_t start = cut == std::string_view::npos ? 0 : cut + 1;
  std::string head(cardinal.substr(0, start));
  const std::string_view last = cardinal.substr(start);
  struct Irregular {
    std::string_view cardinal, ordinal;
  };
  static constexpr Irregular kIrregular[] = {
      {"one", "first"},    {"two", "second"}, {"three", "third"},   {"five", "fifth"},
      {"eight", "eighth"}, {"nine", "ninth"}, {"twelve", "twelfth"}};
  for (const auto& irregular : kIrregular) {
    if (last == irregular.cardinal) return head + std::string(irregular.ordinal);
  }
  if (last.ends_with('y')) return head + std::string(last.substr(0, last.size() - 1)) + "ieth";
  return head + std::string(last) + "th";
}

std::string OrdinalWords(std::string_view digits) { return OrdinalizeWords(CardinalWords(digits)); }

std::string YearWords(std::uint64_t year) {
  if (year < 1000 || year >= 10000) return CardinalWords(year);
  const int high = static_cast<int>(year / 100);
  const int low = static_cast<int>(year % 100);
  if (low == 0) {
    if (high % 10 == 0) return CardinalWords(year);  // 1000, 2000
    return BelowHundred(high) + " hundred";          // 1900 -> nineteen hundred
  }
  // 2001..2009 (and 1001..1009, 3001...) are read "two thousand one".
  if (high % 10 == 0 && low < 10) return CardinalWords(year);
  if (low < 10) return BelowHundred(high) + " oh " + std::string(kOnes[low]);
  return BelowHundred(high) + " " + BelowHundred(low);
}

std::string PluralizeNumberWords(std::string_view words) {
  std::string out(words);
  if (out.empty()) return out;
  if (out.ends_with('y')) {
    out.pop_back();
    out += "ies";
  } else if (out.ends_with('x')) {
    out += "es";
  } else {
    out += 's';
  }
  return out;
}

}  // namespace vox::text
