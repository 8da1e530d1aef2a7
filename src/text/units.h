// Units of measure after a number (internal to vox_text).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vox::text {

struct UnitWords {
  std::string singular;  // "kilometer per hour"
  std::string plural;    // "kilometers per hour"
};

// The words for a unit symbol: "km" -> kilometer(s), "°C" -> degree(s)
// Celsius, "m²" -> square meter(s), "km/h", "MB/s", "%". `attached` says the
// symbol was glued to the number ("5km"): a few symbols that are also
// English words ("in", "l", "A") only count when attached.
std::optional<UnitWords> LookupUnit(std::string_view symbol, bool attached);

// The words for "/month" style suffixes after an amount: "per month",
// "per hour". nullopt when `word` is not a known per-unit.
std::optional<std::string> PerUnit(std::string_view word);

}  // namespace vox::text
