#include "text/number_parse.h"

#include "text/number_words.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

std::size_t DigitRun(std::string_view s, std::size_t pos) {
  std::size_t end = pos;
  while (end < s.size() && IsDigit(s[end])) ++end;
  return end - pos;
}

}  // namespace

std::optional<NumberLiteral> ParseNumberPrefix(std::string_view s, bool allow_sign) {
  NumberLiteral n;
  std::size_t pos = 0;
  if (allow_sign && !s.empty() && (s[0] == '-' || s[0] == '+')) {
    n.negative = s[0] == '-';
    n.plus = s[0] == '+';
    pos = 1;
  }
  const std::size_t first = DigitRun(s, pos);
  n.integer.assign(s.substr(pos, first));
  pos += first;
  // Thousands separators only count when every group has exactly three digits.
  if (first >= 1 && first <= 3) {
    while (pos < s.size() && s[pos] == ',' && DigitRun(s, pos + 1) == 3) {
      n.integer.append(s.substr(pos + 1, 3));
      n.grouped = true;
      pos += 4;
    }
    // "1,2345": the run after the comma is longer than a group; it is not a number.
  }
  if (pos < s.size() && s[pos] == '.' && DigitRun(s, pos + 1) > 0) {
    const std::size_t frac = DigitRun(s, pos + 1);
    n.fraction = s.substr(pos + 1, frac);
    n.has_point = true;
    pos += 1 + frac;
  }
  if (n.integer.empty() && !n.has_point) return std::nullopt;
  n.length = pos;
  return n;
}

std::optional<NumberLiteral> ParseNumber(std::string_view s, bool allow_sign) {
  auto n = ParseNumberPrefix(s, allow_sign);
  if (!n || n->length != s.size()) return std::nullopt;
  return n;
}

std::string SpeakNumber(const NumberLiteral& n) {
  std::string out;
  if (n.negative) out = "minus";
  if (n.plus) out = "plus";
  auto append = [&out](std::string_view words) {
    if (!out.empty()) out += ' ';
    out += words;
  };
  if (!n.integer.empty()) {
    append(n.HasLeadingZero() && !n.has_point ? DigitWords(n.integer) : CardinalWords(n.integer));
  }
  if (n.has_point) {
    append("point");
    append(DigitWords(n.fraction));
  }
  return out;
}

std::optional<Quantity> ParseQuantityPrefix(std::string_view s) {
  auto first = ParseNumberPrefix(s);
  if (!first) return std::nullopt;
  Quantity q;
  q.length = first->length;
  q.words = SpeakNumber(*first);
  q.singular = first->IsOne();
  // "3-5": a second unsigned number after a hyphen makes a range.
  if (q.length + 1 < s.size() && s[q.length] == '-' && !first->plus) {
    auto second = ParseNumberPrefix(s.substr(q.length + 1), /*allow_sign=*/false);
    if (second) {
      q.words += " to " + SpeakNumber(*second);
      q.singular = false;
      q.is_range = true;
      q.length += 1 + second->length;
    }
  }
  q.first = std::move(*first);
  return q;
}

}  // namespace vox::text
