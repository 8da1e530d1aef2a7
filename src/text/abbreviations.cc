// Abbreviations, titles, initials and dotted initialisms, read in context:
// "Dr. Smith" -> "Doctor Smith", "Elm Dr." -> "Elm Drive", "St. John" ->
// "Saint John", "Main St." -> "Main Street", "No. 5" -> "number five",
// "U.S." -> "U S", "J. R. R. Tolkien" -> "J R R Tolkien".
#include <string>

#include "text/number_parse.h"
#include "text/rule_context.h"
#include "text/sentence_boundary.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

enum class Need {
  kAny,         // with or without a period: "vs", "etc"
  kPeriod,      // only with a period: "approx.", "Co."
  kNumberNext,  // with a period and a number next: "No. 5", "p. 7"
};

struct Entry {
  std::string_view key;  // as written, without the final period
  bool ignore_case;
  Need need;
  std::string_view words;
};

constexpr Entry kEntries[] = {
    {"e.g", true, Need::kAny, "for example"},
    {"i.e", true, Need::kAny, "that is"},
    {"etc", true, Need::kAny, "et cetera"},
    {"vs", true, Need::kAny, "versus"},
    {"a.k.a", true, Need::kAny, "also known as"},
    {"cf", false, Need::kPeriod, "compare"},
    {"viz", false, Need::kPeriod, "namely"},
    {"approx", true, Need::kPeriod, "approximately"},
    {"incl", true, Need::kPeriod, "including"},
    {"excl", true, Need::kPeriod, "excluding"},
    {"esp", false, Need::kPeriod, "especially"},
    {"dept", true, Need::kPeriod, "department"},
    {"govt", true, Need::kPeriod, "government"},
    {"misc", true, Need::kPeriod, "miscellaneous"},
    {"avg", true, Need::kPeriod, "average"},
    {"max", true, Need::kPeriod, "maximum"},
    {"min", true, Need::kPeriod, "minimum"},
    {"univ", true, Need::kPeriod, "university"},
    {"assn", true, Need::kPeriod, "association"},
    {"Inc", false, Need::kAny, "Incorporated"},
    {"Ltd", false, Need::kAny, "Limited"},
    {"Corp", false, Need::kAny, "Corporation"},
    {"Co", false, Need::kPeriod, "Company"},
    {"Bros", false, Need::kPeriod, "Brothers"},
    {"Jr", false, Need::kAny, "Junior"},
    {"Sr", false, Need::kPeriod, "Senior"},
    {"Esq", false, Need::kPeriod, "Esquire"},
    {"Ave", false, Need::kPeriod, "Avenue"},
    {"Blvd", false, Need::kAny, "Boulevard"},
    {"Rd", false, Need::kPeriod, "Road"},
    {"Ln", false, Need::kPeriod, "Lane"},
    {"Hwy", false, Need::kAny, "Highway"},
    {"Pkwy", false, Need::kAny, "Parkway"},
    {"Apt", false, Need::kPeriod, "Apartment"},
    {"Ste", false, Need::kPeriod, "Suite"},
    {"Ct", false, Need::kPeriod, "Court"},
    {"Sq", false, Need::kPeriod, "Square"},
    {"tel", true, Need::kPeriod, "telephone"},
    {"ext", true, Need::kPeriod, "extension"},
    {"fig", true, Need::kPeriod, "figure"},
    {"figs", true, Need::kPeriod, "figures"},
    {"vol", true, Need::kPeriod, "volume"},
    {"vols", true, Need::kPeriod, "volumes"},
    {"ch", true, Need::kNumberNext, "chapter"},
    {"chap", true, Need::kPeriod, "chapter"},
    {"sec", true, Need::kNumberNext, "section"},
    {"sect", true, Need::kPeriod, "section"},
    {"art", true, Need::kNumberNext, "article"},
    {"eq", true, Need::kNumberNext, "equation"},
    {"ref", true, Need::kPeriod, "reference"},
    {"no", true, Need::kNumberNext, "number"},
    {"nos", true, Need::kNumberNext, "numbers"},
    {"p", false, Need::kNumberNext, "page"},
    {"pp", false, Need::kNumberNext, "pages"},
    {"ca", false, Need::kNumberNext, "circa"},
    {"c", false, Need::kNumberNext, "circa"},
    {"est", true, Need::kNumberNext, "established"},
    {"a.m", true, Need::kAny, "a m"},
    {"p.m", true, Need::kAny, "p m"},
    {"Ph.D", true, Need::kAny, "P H D"},
    {"v", false, Need::kPeriod, "versus"},
};

struct Title {
  std::string_view key;
  std::string_view words;
  bool without_period;  // British style "Mr Smith" also counts
};

constexpr Title kTitles[] = {
    {"Mr", "Mister", true},
    {"Mrs", "Missus", true},
    {"Ms", "Miz", true},
    {"Prof", "Professor", true},
    {"Rev", "Reverend", false},
    {"Gen", "General", false},
    {"Capt", "Captain", false},
    {"Lt", "Lieutenant", false},
    {"Col", "Colonel", false},
    {"Sgt", "Sergeant", false},
    {"Maj", "Major", false},
    {"Cmdr", "Commander", false},
    {"Adm", "Admiral", false},
    {"Gov", "Governor", false},
    {"Sen", "Senator", false},
    {"Rep", "Representative", false},
    {"Hon", "Honorable", false},
    {"Pres", "President", false},
    {"Fr", "Father", false},
    {"Messrs", "Messieurs", false},
    {"Mme", "Madame", false},
    {"Mlle", "Mademoiselle", false},
    {"Supt", "Superintendent", false},
    {"Insp", "Inspector", false},
    {"Det", "Detective", false},
    {"Cpl", "Corporal", false},
    {"Pvt", "Private", false},
    {"Mt", "Mount", false},
    {"Ft", "Fort", false},
};

// A capitalized word such as a name: "Smith", "Main", "O'Neil".
bool IsName(std::string_view w) {
  if (w.size() < 2 || !IsUpper(w[0])) return false;
  for (char c : w.substr(1)) {
    if (!IsAlpha(c) && c != '\'' && c != '-') return false;
  }
  return true;
}

// "U.S", "D.C", "U.S.A" (upper-case letters joined by periods).
bool IsUpperDotted(std::string_view w) {
  if (w.size() < 3 || w.size() % 2 == 0) return false;
  for (std::size_t k = 0; k < w.size(); ++k) {
    if (k % 2 == 0 ? !IsUpper(w[k]) : w[k] != '.') return false;
  }
  return true;
}

// "Main St." / "Elm Dr." read as a street: the word before is a name that is
// not the first of its sentence (or an address number precedes it), and no
// name follows unless the next word plainly starts a new sentence.
bool StreetReading(const Context& ctx, std::size_t i) {
  if (i == 0 || !IsName(ctx.Core(i - 1))) return false;
  const bool address = i >= 2 && StartsDigit(ctx.Core(i - 2));
  if (address) return true;
  if (ctx.SentenceStart(i - 1) || !ctx.Joined(i - 1)) return false;
  const std::string_view next = ctx.Core(i + 1);
  return i + 1 >= ctx.size() || !StartsUpper(next) || IsSentenceStarter(next);
}

Match ReadSaintOrStreet(const Context& ctx, std::size_t i, bool period, Emitter& out) {
  const std::string_view core = ctx[i].core;
  const bool saint_word = core == "St";
  const bool street = StreetReading(ctx, i);
  const bool name_next = ctx.Joined(i) || period ? IsName(ctx.Core(i + 1)) : false;
  if (street) {
    out.Word(saint_word ? "Street" : "Drive");
    return {1, period ? ctx.AbbreviationPeriod(i) : 0};
  }
  if (name_next) {
    out.Word(saint_word ? "Saint" : "Doctor");
    return {1, period ? 1u : 0u};
  }
  if (!period) return {};
  // No name follows: after a name it is an address ("Elm Dr."), else a title.
  const bool after_name = i > 0 && IsName(ctx.Core(i - 1)) && ctx.Joined(i - 1);
  if (saint_word || after_name) {
    out.Word(saint_word ? "Street" : "Drive");
    return {1, ctx.AbbreviationPeriod(i)};
  }
  out.Word("Doctor");
  return {1, 1};
}

// "Mon., Jan. 5": weekday abbreviations only in a date, where they cannot be
// "the Sun." or "a Wed." by accident.
std::string_view Weekday(const Context& ctx, std::size_t i, bool period) {
  static constexpr std::pair<std::string_view, std::string_view> kDays[] = {
      {"Mon", "Monday"},   {"Tue", "Tuesday"},   {"Tues", "Tuesday"},   {"Wed", "Wednesday"},
      {"Thu", "Thursday"}, {"Thur", "Thursday"}, {"Thurs", "Thursday"}, {"Fri", "Friday"},
      {"Sat", "Saturday"}, {"Sun", "Sunday"}};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (!period) return {};
  const std::string_view next = ctx.Core(i + 1);
  bool date_next = ctx[i].trail == ".," || StartsDigit(next);
  for (std::string_view m : kMonths) date_next = date_next || next.starts_with(m);
  if (!date_next) return {};
  for (const auto& [key, name] : kDays) {
    if (ctx[i].core == key) return name;
  }
  return {};
}

}  // namespace

Match ReadAbbreviation(const Context& ctx, std::size_t i, Emitter& out) {
  const Token& t = ctx[i];
  const std::string_view core = t.core;
  if (core.empty() || !IsAlpha(core[0])) return {};
  // "No.5": the number glued to the abbreviation.
  if ((core.starts_with("No.") || core.starts_with("no.")) && core.size() > 3 &&
      AllDigits(core.substr(3))) {
    out.Word("number " + SpeakNumber(*ParseNumber(core.substr(3))));
    return {1, 0};
  }
  if (core.size() > 8) return {};
  const bool period = t.TrailStartsWith('.') && !t.trail.starts_with("..");
  const bool number_next = ctx.Joined(i) || period ? StartsDigit(ctx.Core(i + 1)) : false;

  if (core == "St" || core == "Dr") return ReadSaintOrStreet(ctx, i, period, out);
  if (std::string_view day = Weekday(ctx, i, period); !day.empty()) {
    out.Word(day);
    return {1, 1};
  }

  for (const Title& title : kTitles) {
    if (core != title.key) continue;
    const bool name_next = IsName(ctx.Core(i + 1));
    if (period || (title.without_period && name_next && ctx.Joined(i))) {
      out.Word(title.words);
      return {1, period ? 1u : 0u};  // a title never ends a sentence
    }
    return {};
  }

  for (const Entry& e : kEntries) {
    const bool same = e.ignore_case ? EqualsIgnoreCase(core, e.key) : core == e.key;
    if (!same) continue;
    if (e.need == Need::kPeriod && !period) return {};
    if (e.need == Need::kNumberNext && !(period && number_next)) return {};
    if (e.key == "v" && !(i > 0 && IsName(ctx.Core(i - 1)) && IsName(ctx.Core(i + 1)))) return {};
    out.Word(e.words);
    return {1, period ? ctx.AbbreviationPeriod(i) : 0};
  }

  if (IsUpperDotted(core)) {  // "U.S." -> "U S"
    out.Word(SpellLetters(core));
    return {1, period ? ctx.AbbreviationPeriod(i) : 0};
  }
  // An initial before a name: "John F. Kennedy", "J. R. R. Tolkien".
  if (core.size() == 1 && IsUpper(core[0]) && period) {
    const std::string_view next = ctx.Core(i + 1);
    if (IsName(next) || (next.size() == 1 && IsUpper(next[0]))) {
      out.Word(core);
      return {1, ctx.AbbreviationPeriod(i)};
    }
  }
  return {};
}

}  // namespace vox::text
