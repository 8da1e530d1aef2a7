// Number + unit: "5 km" -> "five kilometers", "1 km" -> "one kilometer",
// "20°C" -> "twenty degrees Celsius", "12.5%" -> "twelve point five percent",
// "3-5 kg" -> "three to five kilograms", "a 5-km run" -> "a five kilometer run",
// "5'11\"" -> "five feet eleven inches".
#include "text/units.h"

#include "text/number_parse.h"
#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

enum Flags : unsigned {
  kNone = 0,
  kIgnoreCase = 1,    // "KM", "Kg", "gb" also match
  kAttachedOnly = 2,  // only glued to the number: "5in", "2l", "10A"
  kSeparateOnly = 4,  // only as its own token: "9.58 s" ("5s" is a plural)
};

struct Unit {
  std::string_view symbol;
  std::string_view singular;
  std::string_view plural;
  unsigned flags;
};

constexpr Unit kUnits[] = {
    // length and area
    {"mm", "millimeter", "millimeters", kIgnoreCase},
    {"cm", "centimeter", "centimeters", kIgnoreCase},
    {"m", "meter", "meters", kNone},
    {"km", "kilometer", "kilometers", kIgnoreCase},
    {"\u00B5m", "micrometer", "micrometers", kNone},
    {"\u03BCm", "micrometer", "micrometers", kNone},
    {"nm", "nanometer", "nanometers", kNone},
    {"in", "inch", "inches", kAttachedOnly},
    {"ft", "foot", "feet", kIgnoreCase},
    {"yd", "yard", "yards", kIgnoreCase},
    {"yds", "yard", "yards", kIgnoreCase},
    {"mi", "mile", "miles", kNone},
    {"ha", "hectare", "hectares", kNone},
    {"sqft", "square foot", "square feet", kIgnoreCase},
    // volume
    {"ml", "milliliter", "milliliters", kIgnoreCase},
    {"cl", "centiliter", "centiliters", kNone},
    {"dl", "deciliter", "deciliters", kNone},
    {"l", "liter", "liters", kAttachedOnly},
    {"L", "liter", "liters", kNone},
    {"gal", "gallon", "gallons", kNone},
    {"tsp", "teaspoon", "teaspoons", kNone},
    {"tbsp", "tablespoon", "tablespoons", kNone},
    {"cc", "cubic centimeter", "cubic centimeters", kNone},
    // mass
    {"mg", "milligram", "milligrams", kIgnoreCase},
    {"g", "gram", "grams", kNone},
    {"kg", "kilogram", "kilograms", kIgnoreCase},
    {"\u00B5g", "microgram", "micrograms", kNone},
    {"\u03BCg", "microgram", "micrograms", kNone},
    {"mcg", "microgram", "micrograms", kNone},
    {"lb", "pound", "pounds", kIgnoreCase},
    {"lbs", "pound", "pounds", kIgnoreCase},
    {"oz", "ounce", "ounces", kIgnoreCase},
    // time
    {"ms", "millisecond", "milliseconds", kNone},
    {"\u00B5s", "microsecond", "microseconds", kNone},
    {"\u03BCs", "microsecond", "microseconds", kNone},
    {"us", "microsecond", "microseconds", kAttachedOnly},
    {"ns", "nanosecond", "nanoseconds", kNone},
    {"s", "second", "seconds", kSeparateOnly},
    {"sec", "second", "seconds", kNone},
    {"secs", "second", "seconds", kNone},
    {"min", "minute", "minutes", kNone},
    {"mins", "minute", "minutes", kNone},
    {"h", "hour", "hours", kNone},
    {"hr", "hour", "hours", kNone},
    {"hrs", "hour", "hours", kNone},
    {"wk", "week", "weeks", kNone},
    {"wks", "week", "weeks", kNone},
    {"yr", "year", "years", kNone},
    {"yrs", "year", "years", kNone},
    // speed and rates
    {"mph", "mile per hour", "miles per hour", kIgnoreCase},
    {"kph", "kilometer per hour", "kilometers per hour", kIgnoreCase},
    {"kmh", "kilometer per hour", "kilometers per hour", kIgnoreCase},
    {"km/h", "kilometer per hour", "kilometers per hour", kIgnoreCase},
    {"fps", "frame per second", "frames per second", kIgnoreCase},
    {"rpm", "revolution per minute", "revolutions per minute", kIgnoreCase},
    {"bpm", "beat per minute", "beats per minute", kIgnoreCase},
    // temperature and angles
    {"\u00B0C", "degree Celsius", "degrees Celsius", kNone},
    {"\u00B0F", "degree Fahrenheit", "degrees Fahrenheit", kNone},
    {"\u00B0", "degree", "degrees", kNone},
    // data
    {"KB", "kilobyte", "kilobytes", kIgnoreCase},
    {"MB", "megabyte", "megabytes", kIgnoreCase},
    {"GB", "gigabyte", "gigabytes", kIgnoreCase},
    {"TB", "terabyte", "terabytes", kIgnoreCase},
    {"PB", "petabyte", "petabytes", kIgnoreCase},
    {"KiB", "kibibyte", "kibibytes", kNone},
    {"MiB", "mebibyte", "mebibytes", kNone},
    {"GiB", "gibibyte", "gibibytes", kNone},
    {"TiB", "tebibyte", "tebibytes", kNone},
    {"Mb", "megabit", "megabits", kNone},
    {"Gb", "gigabit", "gigabits", kNone},
    {"kbps", "kilobit per second", "kilobits per second", kIgnoreCase},
    {"Mbps", "megabit per second", "megabits per second", kIgnoreCase},
    {"Gbps", "gigabit per second", "gigabits per second", kIgnoreCase},
    // frequency, power, electricity, sound
    {"Hz", "hertz", "hertz", kIgnoreCase},
    {"kHz", "kilohertz", "kilohertz", kIgnoreCase},
    {"MHz", "megahertz", "megahertz", kIgnoreCase},
    {"GHz", "gigahertz", "gigahertz", kIgnoreCase},
    {"W", "watt", "watts", kNone},
    {"kW", "kilowatt", "kilowatts", kNone},
    {"MW", "megawatt", "megawatts", kNone},
    {"GW", "gigawatt", "gigawatts", kNone},
    {"kWh", "kilowatt hour", "kilowatt hours", kIgnoreCase},
    {"Wh", "watt hour", "watt hours", kNone},
    {"mAh", "milliamp hour", "milliamp hours", kIgnoreCase},
    {"V", "volt", "volts", kNone},
    {"mV", "millivolt", "millivolts", kNone},
    {"kV", "kilovolt", "kilovolts", kNone},
    {"A", "amp", "amps", kAttachedOnly},
    {"mA", "milliamp", "milliamps", kNone},
    {"dB", "decibel", "decibels", kIgnoreCase},
    {"cal", "calorie", "calories", kNone},
    {"kcal", "kilocalorie", "kilocalories", kIgnoreCase},
    {"kJ", "kilojoule", "kilojoules", kNone},
    {"kPa", "kilopascal", "kilopascals", kNone},
    {"psi", "pound per square inch", "pounds per square inch", kIgnoreCase},
    {"px", "pixel", "pixels", kNone},
    {"dpi", "dot per inch", "dots per inch", kIgnoreCase},
    {"ppm", "part per million", "parts per million", kIgnoreCase},
    // ratios
    {"%", "percent", "percent", kNone},
    {"\u2030", "per mille", "per mille", kNone},
};

const Unit* FindUnit(std::string_view symbol, bool attached) {
  const Unit* loose = nullptr;
  for (const Unit& u : kUnits) {
    if ((u.flags & kAttachedOnly) && !attached) continue;
    if ((u.flags & kSeparateOnly) && attached) continue;
    if (u.symbol == symbol) return &u;
    if (!loose && (u.flags & kIgnoreCase) && EqualsIgnoreCase(u.symbol, symbol)) loose = &u;
  }
  return loose;
}

std::optional<UnitWords> Simple(std::string_view symbol, bool attached) {
  if (const Unit* u = FindUnit(symbol, attached)) {
    return UnitWords{std::string(u->singular), std::string(u->plural)};
  }
  return std::nullopt;
}

// "m²" / "m^2" / "m³" -> "square meter" / "cubic meter".
std::optional<UnitWords> Powered(std::string_view symbol, bool attached) {
  std::string_view prefix;
  std::string_view base;
  for (auto [suffix, name] : {std::pair{"\u00B2", "square "}, std::pair{"^2", "square "},
                              std::pair{"\u00B3", "cubic "}, std::pair{"^3", "cubic "}}) {
    if (symbol.ends_with(suffix)) {
      prefix = name;
      base = symbol.substr(0, symbol.size() - std::string_view(suffix).size());
    }
  }
  if (prefix.empty()) return std::nullopt;
  auto words = Simple(base, attached);
  if (!words) return std::nullopt;
  return UnitWords{std::string(prefix) + words->singular, std::string(prefix) + words->plural};
}

}  // namespace

std::optional<std::string> PerUnit(std::string_view word) {
  static constexpr std::pair<std::string_view, std::string_view> kPer[] = {
      {"h", "hour"},   {"hr", "hour"},    {"hour", "hour"},     {"min", "minute"},
      {"s", "second"}, {"sec", "second"}, {"d", "day"},         {"day", "day"},
      {"wk", "week"},  {"week", "week"},  {"mo", "month"},      {"month", "month"},
      {"yr", "year"},  {"year", "year"},  {"person", "person"}, {"night", "night"},
      {"ea", "each"},  {"unit", "unit"},  {"user", "user"},     {"seat", "seat"}};
  for (const auto& [symbol, name] : kPer) {
    if (EqualsIgnoreCase(word, symbol)) return "per " + std::string(name);
  }
  if (auto u = Simple(word, true)) return "per " + u->singular;
  return std::nullopt;
}

std::optional<UnitWords> LookupUnit(std::string_view symbol, bool attached) {
  if (symbol.empty() || symbol.size() > 16) return std::nullopt;
  if (auto u = Simple(symbol, attached)) return u;
  if (auto u = Powered(symbol, attached)) return u;
  // "MB/s", "km/s", "kg/m^3": a unit per another unit.
  const std::size_t slash = symbol.find('/');
  if (slash != std::string_view::npos && slash > 0) {
    auto top = LookupUnit(symbol.substr(0, slash), true);
    auto per = PerUnit(symbol.substr(slash + 1));
    if (!per) {
      if (auto bottom = Powered(symbol.substr(slash + 1), true)) per = "per " + bottom->singular;
    }
    if (top && per) return UnitWords{top->singular + " " + *per, top->plural + " " + *per};
  }
  return std::nullopt;
}

Match ReadMeasure(const Context& ctx, std::size_t i, Emitter& out) {
  const Token& t = ctx[i];
  const std::string_view core = t.core;
  if (core.empty() || !(IsDigit(core[0]) || core[0] == '-' || core[0] == '+' || core[0] == '.')) {
    return {};
  }
  auto q = ParseQuantityPrefix(core);
  if (!q) return {};
  std::string_view suffix = core.substr(q->length);

  auto emit = [&](const UnitWords& unit, bool singular) {
    out.Word(q->words + " " + (singular ? unit.singular : unit.plural));
  };

  if (suffix.empty()) {
    // The unit is the next token: "5 km", "20 °C", "50 %", "5 sq ft", "11 in.".
    if (!ctx.Joined(i) || i + 1 >= ctx.size() || !ctx[i + 1].lead.empty()) return {};
    const std::string_view next = ctx.Core(i + 1);
    if (next == "sq" && i + 2 < ctx.size() && ctx.Joined(i + 1)) {
      if (auto unit = LookupUnit(ctx.Core(i + 2), false)) {
        out.Word(q->words + " square " + (q->singular ? unit->singular : unit->plural));
        return {3, ctx.AbbreviationPeriod(i + 2)};
      }
    }
    // "in." only as a unit with its period: "5 in a row" stays words.
    const bool inch = next == "in" && ctx[i + 1].TrailStartsWith('.');
    auto unit = inch ? LookupUnit(next, true) : LookupUnit(next, false);
    if (!unit) return {};
    emit(*unit, q->singular);
    return {2, ctx.AbbreviationPeriod(i + 1)};
  }

  // Feet and inches: 5'11" (the closing " is in the trail).
  if (suffix.size() >= 2 && suffix[0] == '\'' && t.TrailStartsWith('"') && !q->is_range) {
    const int inches = SmallInt(suffix.substr(1));
    if (inches >= 0 && inches < 12 && q->first.IsPlainInteger()) {
      out.Word(q->words + (q->singular ? " foot " : " feet ") +
               CardinalWords(static_cast<std::uint64_t>(inches)) +
               (inches == 1 ? " inch" : " inches"));
      return {1, 1};
    }
  }
  // "20°" + "C": the scale as a separate token.
  if (suffix == "\u00B0" && ctx.Joined(i) && (ctx.Core(i + 1) == "C" || ctx.Core(i + 1) == "F")) {
    auto unit = LookupUnit(ctx.Core(i + 1) == "C" ? "\u00B0C" : "\u00B0F", true);
    emit(*unit, q->singular);
    return {2, 0};
  }
  // "a 5-km run": a hyphenated unit is an adjective and stays singular.
  const bool adjective = suffix.size() > 1 && suffix[0] == '-' && !q->is_range;
  if (adjective) suffix.remove_prefix(1);
  auto unit = LookupUnit(suffix, true);
  if (!unit) return {};
  emit(*unit, q->singular || adjective);
  return {1, ctx.AbbreviationPeriod(i)};
}

}  // namespace vox::text
