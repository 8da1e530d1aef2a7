#include "ssml/attribute_values.h"

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

// A plain decimal number ("1", "1.5", "+2", "-3.25", ".5"): no exponent, no
// inf/nan. Read by hand: std::from_chars for double is missing from libc++ 16
// (the fuzz build), and strtod follows the process locale.
std::optional<double> Number(std::string_view s) {
  if (s.empty() || s.size() > 32) return std::nullopt;
  double sign = 1;
  if (s.front() == '+' || s.front() == '-') {
    sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  double value = 0, scale = 1;
  bool digits = false, point = false;
  for (char c : s) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      if (point) {
        scale /= 10;
        value += (c - '0') * scale;
      } else {
        value = value * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  return sign * value;
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
