// Reading written numbers: "-1,250.75", ".5", "3-5" (internal to vox_text).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vox::text {

struct NumberLiteral {
  bool negative = false;
  bool plus = false;          // written with an explicit '+'
  std::string integer;        // digits without separators; empty for ".5"
  std::string_view fraction;  // digits after the decimal point
  bool has_point = false;
  bool grouped = false;    // written with thousands separators: 1,250,000
  std::size_t length = 0;  // characters consumed

  // Exactly one ("1", "-1"): the next noun is singular.
  bool IsOne() const { return !has_point && integer == "1"; }
  // A plain non-negative integer without separators ("2024"), year candidates.
  bool IsPlainInteger() const { return !negative && !plus && !has_point && !grouped; }
  // Leading zeros ("007") mean an identifier: read digit by digit.
  bool HasLeadingZero() const { return integer.size() > 1 && integer[0] == '0'; }
};

// The longest number at the start of `s`: optional sign (when `allow_sign`),
// digits with optional valid thousands separators (1-3 digits then ",ddd"
// groups), optional decimal part. nullopt when `s` does not start with one.
std::optional<NumberLiteral> ParseNumberPrefix(std::string_view s, bool allow_sign = true);
// Like ParseNumberPrefix but the number must be all of `s`.
std::optional<NumberLiteral> ParseNumber(std::string_view s, bool allow_sign = true);

// "minus three point one four", "one thousand two hundred fifty", "zero zero seven".
std::string SpeakNumber(const NumberLiteral& n);

// A number or a range of numbers at the start of `s`: "3", "-2.5", "3-5",
// "1,000-2,000". Ranges read "three to five" and are plural.
struct Quantity {
  std::string words;
  bool singular = false;
  bool is_range = false;
  std::size_t length = 0;
  NumberLiteral first;  // the only number, or the start of the range
};
std::optional<Quantity> ParseQuantityPrefix(std::string_view s);

}  // namespace vox::text
