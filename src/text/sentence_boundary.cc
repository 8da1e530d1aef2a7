#include "text/sentence_boundary.h"

#include <algorithm>
#include <array>
#include <string>

#include "text/text_util.h"

namespace vox::text {
namespace {

enum class PeriodRole {
  kDefault,       // not an abbreviation: the period ends the sentence
  kNever,         // titles and Latin abbreviations: "Dr. Smith", "e.g. apples"
  kBeforeNumber,  // "No. 5", "Fig. 3", "Jan. 5": not a boundary when a number follows
  kIfCapital,     // "etc.", "Inc.", "p.m.": a boundary when a capital follows
  kIfStarter,     // "St.", "U.S.", initials: a boundary only before a usual opener
  kClock,         // "a.m.", "p.m.": like kIfCapital, but "5 p.m. EST" goes on
};

struct RoleEntry {
  std::string_view word;  // lower case, without the final period
  PeriodRole role;
};

// Sorted by word for binary search.
constexpr RoleEntry kRoles[] = {
    {"a.k.a", PeriodRole::kNever},       {"a.m", PeriodRole::kClock},
    {"adm", PeriodRole::kNever},         {"al", PeriodRole::kNever},
    {"approx", PeriodRole::kNever},      {"apr", PeriodRole::kBeforeNumber},
    {"apt", PeriodRole::kIfStarter},     {"art", PeriodRole::kBeforeNumber},
    {"assn", PeriodRole::kNever},        {"aug", PeriodRole::kBeforeNumber},
    {"ave", PeriodRole::kIfStarter},     {"blvd", PeriodRole::kIfStarter},
    {"bros", PeriodRole::kIfCapital},    {"c", PeriodRole::kBeforeNumber},
    {"ca", PeriodRole::kBeforeNumber},   {"capt", PeriodRole::kNever},
    {"cf", PeriodRole::kNever},          {"ch", PeriodRole::kBeforeNumber},
    {"chap", PeriodRole::kBeforeNumber}, {"cmdr", PeriodRole::kNever},
    {"co", PeriodRole::kIfCapital},      {"col", PeriodRole::kNever},
    {"corp", PeriodRole::kIfCapital},    {"cpl", PeriodRole::kNever},
    {"ct", PeriodRole::kIfStarter},      {"dec", PeriodRole::kBeforeNumber},
    {"dept", PeriodRole::kNever},        {"det", PeriodRole::kNever},
    {"dr", PeriodRole::kNever},          {"e.g", PeriodRole::kNever},
    {"eq", PeriodRole::kBeforeNumber},   {"esp", PeriodRole::kNever},
    {"esq", PeriodRole::kIfCapital},     {"est", PeriodRole::kBeforeNumber},
    {"etc", PeriodRole::kIfCapital},     {"ex", PeriodRole::kBeforeNumber},
    {"excl", PeriodRole::kNever},        {"ext", PeriodRole::kBeforeNumber},
    {"feb", PeriodRole::kBeforeNumber},  {"fig", PeriodRole::kBeforeNumber},
    {"figs", PeriodRole::kBeforeNumber}, {"fr", PeriodRole::kNever},
    {"ft", PeriodRole::kIfCapital},      {"gen", PeriodRole::kNever},
    {"gov", PeriodRole::kNever},         {"govt", PeriodRole::kNever},
    {"hon", PeriodRole::kNever},         {"hr", PeriodRole::kIfCapital},
    {"hrs", PeriodRole::kIfCapital},     {"hwy", PeriodRole::kIfStarter},
    {"i.e", PeriodRole::kNever},         {"in", PeriodRole::kIfCapital},
    {"inc", PeriodRole::kIfCapital},     {"incl", PeriodRole::kNever},
    {"insp", PeriodRole::kNever},        {"jan", PeriodRole::kBeforeNumber},
    {"jr", PeriodRole::kIfCapital},      {"jul", PeriodRole::kBeforeNumber},
    {"jun", PeriodRole::kBeforeNumber},  {"lb", PeriodRole::kIfCapital},
    {"lbs", PeriodRole::kIfCapital},     {"ln", PeriodRole::kIfStarter},
    {"lt", PeriodRole::kNever},          {"ltd", PeriodRole::kIfCapital},
    {"maj", PeriodRole::kNever},         {"mar", PeriodRole::kBeforeNumber},
    {"max", PeriodRole::kBeforeNumber},  {"messrs", PeriodRole::kNever},
    {"mi", PeriodRole::kIfCapital},      {"min", PeriodRole::kIfCapital},
    {"mins", PeriodRole::kIfCapital},    {"mlle", PeriodRole::kNever},
    {"mme", PeriodRole::kNever},         {"mr", PeriodRole::kNever},
    {"mrs", PeriodRole::kNever},         {"ms", PeriodRole::kNever},
    {"mt", PeriodRole::kNever},          {"no", PeriodRole::kBeforeNumber},
    {"nos", PeriodRole::kBeforeNumber},  {"nov", PeriodRole::kBeforeNumber},
    {"oct", PeriodRole::kBeforeNumber},  {"op", PeriodRole::kBeforeNumber},
    {"oz", PeriodRole::kIfCapital},      {"p", PeriodRole::kBeforeNumber},
    {"p.m", PeriodRole::kClock},         {"ph.d", PeriodRole::kIfCapital},
    {"pkwy", PeriodRole::kIfStarter},    {"pl", PeriodRole::kIfStarter},
    {"pp", PeriodRole::kBeforeNumber},   {"pres", PeriodRole::kNever},
    {"prof", PeriodRole::kNever},        {"pvt", PeriodRole::kNever},
    {"rd", PeriodRole::kIfStarter},      {"ref", PeriodRole::kBeforeNumber},
    {"rep", PeriodRole::kNever},         {"rev", PeriodRole::kNever},
    {"sec", PeriodRole::kBeforeNumber},  {"sect", PeriodRole::kBeforeNumber},
    {"sen", PeriodRole::kNever},         {"sep", PeriodRole::kBeforeNumber},
    {"sept", PeriodRole::kBeforeNumber}, {"sgt", PeriodRole::kNever},
    {"sq", PeriodRole::kIfStarter},      {"sr", PeriodRole::kIfCapital},
    {"st", PeriodRole::kIfStarter},      {"ste", PeriodRole::kIfStarter},
    {"supt", PeriodRole::kNever},        {"tel", PeriodRole::kBeforeNumber},
    {"univ", PeriodRole::kNever},        {"v", PeriodRole::kNever},
    {"viz", PeriodRole::kNever},         {"vol", PeriodRole::kBeforeNumber},
    {"vols", PeriodRole::kBeforeNumber}, {"vs", PeriodRole::kNever},
    {"wk", PeriodRole::kIfCapital},      {"wks", PeriodRole::kIfCapital},
    {"yd", PeriodRole::kIfCapital},      {"yr", PeriodRole::kIfCapital},
    {"yrs", PeriodRole::kIfCapital},
};

constexpr bool RolesSorted() {
  for (std::size_t i = 1; i < std::size(kRoles); ++i) {
    if (!(kRoles[i - 1].word < kRoles[i].word)) return false;
  }
  return true;
}
static_assert(RolesSorted(), "kRoles must stay sorted");

constexpr std::string_view kStarters[] = {
    "A",    "After",   "All",    "Also", "Although", "An",        "And",     "Another", "As",
    "At",   "Because", "Before", "But",  "Each",     "Every",     "Finally", "For",     "From",
    "He",   "Her",     "Here",   "His",  "How",      "However",   "I",       "If",      "In",
    "It",   "Its",     "Later",  "Let",  "Many",     "Meanwhile", "Most",    "My",      "No",
    "Now",  "On",      "One",    "Our",  "Please",   "She",       "So",      "Some",    "Still",
    "That", "The",     "Their",  "Then", "There",    "These",     "They",    "This",    "Those",
    "Thus", "To",      "Today",  "We",   "What",     "When",      "Where",   "Which",   "While",
    "Who",  "Why",     "With",   "Yes",  "Yet",      "You",       "Your"};

constexpr bool StartersSorted() {
  for (std::size_t i = 1; i < std::size(kStarters); ++i) {
    if (!(kStarters[i - 1] < kStarters[i])) return false;
  }
  return true;
}
static_assert(StartersSorted(), "kStarters must stay sorted");

// "U.S", "D.C", "u.s.a": single letters joined by periods.
bool IsDottedInitialism(std::string_view w) {
  if (w.size() < 3 || w.size() % 2 == 0) return false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i % 2 == 0 ? !IsAlpha(w[i]) : w[i] != '.') return false;
  }
  return true;
}

PeriodRole RoleOf(std::string_view word) {
  if (word.size() == 1 && IsUpper(word[0])) return PeriodRole::kIfStarter;  // an initial
  if (word == "Ft") return PeriodRole::kNever;  // "Ft. Worth"; "5 ft." is feet
  if (word.empty() || word.size() > 8) return PeriodRole::kDefault;
  std::string lower = Lower(word);
  auto it = std::lower_bound(std::begin(kRoles), std::end(kRoles), lower,
                             [](const RoleEntry& e, const std::string& w) { return e.word < w; });
  if (it != std::end(kRoles) && it->word == lower) return it->role;
  if (IsDottedInitialism(word)) {
    return IsUpper(word[0]) ? PeriodRole::kIfStarter : PeriodRole::kIfCapital;
  }
  return PeriodRole::kDefault;
}

bool IsTimeZone(std::string_view w) {
  static constexpr std::string_view kZones[] = {
      "AEDT", "AEST", "AKST", "BST", "CDT", "CEST", "CET", "CST", "EDT", "EET", "EST",
      "GMT",  "HST",  "IST",  "JST", "MDT", "MST",  "PDT", "PST", "UTC", "WET"};
  return std::binary_search(std::begin(kZones), std::end(kZones), w);
}

// Strips opening quotes and brackets: "(Dr" -> "Dr", "\"The" -> "The".
std::string_view StripOpeners(std::string_view w) {
  while (!w.empty() && (w[0] == '"' || w[0] == '\'' || w[0] == '(' || w[0] == '[' || w[0] == '{' ||
                        w[0] == '*' || w[0] == '_')) {
    w.remove_prefix(1);
  }
  return w;
}

// Strips trailing sentence punctuation from a lookahead word: "The," -> "The".
std::string_view StripClosers(std::string_view w) {
  while (!w.empty() && !IsAlnum(w.back()) && static_cast<unsigned char>(w.back()) < 0x80) {
    w.remove_suffix(1);
  }
  return w;
}

}  // namespace

bool IsSentenceStarter(std::string_view word) {
  word = StripClosers(StripOpeners(word));
  return std::binary_search(std::begin(kStarters), std::end(kStarters), word);
}

bool NextWordMatters(std::string_view word, std::string_view terminator) {
  if (terminator != ".") return false;
  const PeriodRole role = RoleOf(StripOpeners(word));
  return role == PeriodRole::kIfStarter || role == PeriodRole::kClock;
}

bool EndsSentence(std::string_view word, std::string_view terminator, std::string_view next_word) {
  next_word = StripOpeners(next_word);
  if (next_word.empty()) return true;
  const bool next_lower = StartsLower(next_word);
  if (terminator.find_first_of("?!") != std::string_view::npos) return !next_lower;
  if (terminator.size() > 1) return StartsUpper(next_word);  // an ellipsis
  if (next_lower) return false;
  switch (RoleOf(StripOpeners(word))) {
    case PeriodRole::kDefault:
      return true;
    case PeriodRole::kNever:
      return false;
    case PeriodRole::kBeforeNumber:
      return !StartsDigit(next_word);
    case PeriodRole::kIfCapital:
      return StartsUpper(next_word);
    case PeriodRole::kIfStarter:
      return IsSentenceStarter(next_word);
    case PeriodRole::kClock:
      return StartsUpper(next_word) && !IsTimeZone(StripClosers(next_word));
  }
  return true;
}

}  // namespace vox::text
