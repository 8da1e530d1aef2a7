#include "ssml/attribute_values.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace vox::ssml {
namespace {

using Table = std::initializer_list<std::pair<std::string_view, double>>;

std::optional<double> Lookup(std::string_view value, Table table) {
  for (const auto& [name, number] : table) {
    if (value == name) return number;
  }
  return std::nullopt;
}

// A whole decimal number ("1", "1.5", "+2", "-3.25"); no exponent, no inf/nan.
std::optional<double> Number(std::string_view s) {
  if (s.empty() || s.size() > 32) return std::nullopt;
  const bool plus = s.front() == '+';
  if (plus) s.remove_prefix(1);
  if (s.empty() || s.find_first_not_of("-0123456789.") != std::string_view::npos) {
    return std::nullopt;
  }
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d, std::chars_format::fixed);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  if (plus && d < 0) return std::nullopt;  // "+-3"
  return d;
}

bool Signed(std::string_view s) { return !s.empty() && (s.front() == '+' || s.front() == '-'); }

std::optional<double> WithSuffix(std::string_view value, std::string_view suffix) {
  if (!value.ends_with(suffix)) return std::nullopt;
  value.remove_suffix(suffix.size());
  return Number(value);
}

std::optional<double> InRange(std::optional<double> v, double lo, double hi) {
  if (!v || *v < lo || *v > hi) return std::nullopt;
  return v;
}

}  // namespace

std::optional<double> BreakTime(std::string_view value) {
  std::optional<double> s;
  if (auto ms = WithSuffix(value, "ms")) {
    s = *ms / 1000.0;
  } else {
    s = WithSuffix(value, "s");
  }
  if (Signed(value)) return std::nullopt;
  return InRange(s, 0, 3600);
}

std::optional<double> BreakStrength(std::string_view value) {
  return Lookup(value, {{"none", 0},
                        {"x-weak", 0.1},
                        {"weak", 0.25},
                        {"medium", 0.5},
                        {"strong", 0.75},
                        {"x-strong", 1.0}});
}

std::optional<double> Rate(std::string_view value) {
  std::optional<double> r = Lookup(value, {{"x-slow", 0.5},
                                           {"slow", 0.75},
                                           {"medium", 1},
                                           {"default", 1},
                                           {"fast", 1.25},
                                           {"x-fast", 1.75}});
  if (!r) {
    if (auto percent = WithSuffix(value, "%")) {
      r = Signed(value) ? 1.0 + *percent / 100.0 : *percent / 100.0;
    } else if (!Signed(value)) {
      r = Number(value);
    }
  }
  return InRange(r, 0.25, 4.0);
}

std::optional<double> Pitch(std::string_view value) {
  std::optional<double> p = Lookup(value, {{"x-low", 0.7},
                                           {"low", 0.85},
                                           {"medium", 1},
                                           {"default", 1},
                                           {"high", 1.15},
                                           {"x-high", 1.3}});
  if (!p && Signed(value)) {
    if (auto percent = WithSuffix(value, "%")) {
      p = 1.0 + *percent / 100.0;
    } else if (auto semitones = WithSuffix(value, "st")) {
      p = std::exp2(*semitones / 12.0);
    }
  }
  return InRange(p, 0.5, 2.0);
}

std::optional<double> VolumeDb(std::string_view value) {
  if (value == "silent") return -std::numeric_limits<double>::infinity();
  std::optional<double> db = Lookup(
      value,
      {{"x-soft", -12}, {"soft", -6}, {"medium", 0}, {"default", 0}, {"loud", 6}, {"x-loud", 12}});
  if (!db && Signed(value)) db = WithSuffix(value, "dB");
  return InRange(db, -40, 12);
}

}  // namespace vox::ssml
