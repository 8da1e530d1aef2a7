// Dates and times: "2024-03-14" / "3/14/2024" -> "March fourteenth, twenty
// twenty-four", "March 3rd" -> "March third", "14 March 2024" -> "the
// fourteenth of March, twenty twenty-four", "3:45 pm" -> "three forty-five
// p m", "14:30" -> "fourteen thirty", "9:05" -> "nine oh five", "3pm".
#include <array>
#include <string>

#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

constexpr int kDaysInMonth[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// 1..12 for a month name ("March", "march" in shouted text) or abbreviation
// ("Mar", "Sept"); 0 otherwise. Sets `abbreviated` for the short forms.
int MonthOf(std::string_view w, bool shouting, bool* abbreviated) {
  if (w.size() < 3 || !IsUpper(w[0])) return 0;
  if (!shouting && AllUpper(w) && w.size() > 1) return 0;  // "MAY" as an initialism
  for (std::size_t m = 0; m < kMonths.size(); ++m) {
    if (EqualsIgnoreCase(w, kMonths[m])) {
      *abbreviated = false;
      return static_cast<int>(m) + 1;
    }
  }
  if (EqualsIgnoreCase(w, "Sept")) {
    *abbreviated = true;
    return 9;
  }
  if (w.size() == 3) {
    for (std::size_t m = 0; m < kMonths.size(); ++m) {
      if (m != 4 && EqualsIgnoreCase(w, kMonths[m].substr(0, 3))) {
        *abbreviated = true;
        return static_cast<int>(m) + 1;
      }
    }
  }
  return 0;
}

// "3", "03", "3rd", "14th" as a day of the month; -1 otherwise.
int DayOf(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && IsDigit(s[digits])) ++digits;
  if (digits == 0 || digits > 2) return -1;
  const std::string_view suffix = s.substr(digits);
  if (!suffix.empty() &&
      !(suffix.size() == 2 && (EqualsIgnoreCase(suffix, "st") || EqualsIgnoreCase(suffix, "nd") ||
                               EqualsIgnoreCase(suffix, "rd") || EqualsIgnoreCase(suffix, "th")))) {
    return -1;
  }
  const int day = SmallInt(s.substr(0, digits));
  return day >= 1 && day <= 31 ? day : -1;
}

bool ValidDate(int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= kDaysInMonth[month - 1];
}

std::string MonthDay(int month, int day) {
  return std::string(kMonths[month - 1]) + " " + OrdinalWords(std::to_string(day));
}

// Four digits read as a year; two digits ("'24") as "twenty-four" / "oh five".
std::string YearPart(std::string_view digits) {
  if (digits.size() == 2) {
    return digits[0] == '0' ? "oh " + CardinalWords(digits) : CardinalWords(digits);
  }
  return YearWords(static_cast<std::uint64_t>(SmallInt(digits)));
}

bool IsYearToken(std::string_view s) {
  return (s.size() == 4 || s.size() == 3) && AllDigits(s) && s[0] != '0';
}

// "am", "PM", "a.m", "P.M" -> "a m" / "p m"; "" otherwise.
std::string_view AmPm(std::string_view s) {
  if (EqualsIgnoreCase(s, "am") || EqualsIgnoreCase(s, "a.m")) return "a m";
  if (EqualsIgnoreCase(s, "pm") || EqualsIgnoreCase(s, "p.m")) return "p m";
  return {};
}

// `m` is -1 for a bare hour ("3 pm"); `s` is -1 without seconds.
std::string SpeakTime(int h, int m, int s, std::string_view ampm) {
  std::string out = CardinalWords(static_cast<std::uint64_t>(h));
  if (m < 0 || (m == 0 && s < 0 && !ampm.empty())) {
    // "3 pm", "3:00 pm" -> "three p m"
  } else if (m == 0 && s < 0) {
    out += h == 0 || h > 12 ? " hundred" : " o'clock";
  } else {
    out += m == 0   ? " hundred"
           : m < 10 ? " oh " + CardinalWords(static_cast<std::uint64_t>(m))
                    : " " + CardinalWords(static_cast<std::uint64_t>(m));
    if (s > 0) {
      out += " and " + CardinalWords(static_cast<std::uint64_t>(s)) +
             (s == 1 ? " second" : " seconds");
    }
  }
  if (!ampm.empty()) out += " " + std::string(ampm);
  return out;
}

// Parses "H", "H:MM" or "H:MM:SS" at the start of `s`; returns the length
// consumed or 0. `*m` is -1 for a bare hour.
std::size_t ParseClock(std::string_view s, int* h, int* m, int* sec) {
  std::size_t pos = 0;
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  if (pos == 0 || pos > 2) return 0;
  *h = SmallInt(s.substr(0, pos));
  *m = -1;
  *sec = -1;
  if (pos + 3 <= s.size() && s[pos] == ':' && AllDigits(s.substr(pos + 1, 2)) &&
      (pos + 3 == s.size() || !IsDigit(s[pos + 3]))) {
    *m = SmallInt(s.substr(pos + 1, 2));
    pos += 3;
    if (pos + 3 <= s.size() && s[pos] == ':' && AllDigits(s.substr(pos + 1, 2)) &&
        (pos + 3 == s.size() || !IsDigit(s[pos + 3]))) {
      *sec = SmallInt(s.substr(pos + 1, 2));
      pos += 3;
    }
  }
  if (*h > 24 || *m >= 60 || *sec >= 60) return 0;
  return pos;
}

struct Clock {
  int h = 0, m = -1, s = -1;
};

// "3", "3:45", "10:30:15" filling all of `text`, with an optional attached
// "pm" / "a.m" returned in `ampm`.
bool ParseClockToken(std::string_view text, Clock* c, std::string_view* ampm) {
  const std::size_t len = ParseClock(text, &c->h, &c->m, &c->s);
  if (len == 0) return false;
  *ampm = AmPm(text.substr(len));
  return len == text.size() || !ampm->empty();
}

// "3:45 pm", "3pm", "14:30", "2-3 pm", "9:00-17:00".
Match ReadTime(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  Clock from;
  Clock to;
  std::string_view ampm;
  std::string_view from_ampm;
  bool range = false;
  if (!ParseClockToken(core, &to, &ampm)) {
    const std::size_t dash = core.find('-');
    if (dash == std::string_view::npos ||
        !ParseClockToken(core.substr(0, dash), &from, &from_ampm) ||
        !ParseClockToken(core.substr(dash + 1), &to, &ampm)) {
      return {};
    }
    range = true;
  }
  std::size_t consumed = 1;
  std::size_t last = i;
  if (ampm.empty() && ctx.Joined(i)) {
    ampm = AmPm(ctx.Core(i + 1));
    if (!ampm.empty()) {
      consumed = 2;
      last = i + 1;
    }
  }
  auto valid = [&](const Clock& c, std::string_view marker) {
    return marker.empty() ? c.m >= 0 : (c.h >= 1 && c.h <= 12);
  };
  // A bare number or range is not a time without "am"/"pm" ("3", "2-3").
  if (!valid(to, ampm) || (range && !valid(from, from_ampm.empty() ? ampm : from_ampm))) {
    return {};
  }
  std::string words;
  if (range) {
    words = SpeakTime(from.h, from.m, from.s, from_ampm) +
            (ctx.PrevLower(i) == "between" ? " and " : " to ");  // "between 2 and 3 pm"
  }
  out.Word(words + SpeakTime(to.h, to.m, to.s, ampm));
  // "p.m." keeps its period only when it also ends the sentence.
  const bool dotted = ctx.Core(last).find('.') != std::string_view::npos;
  return {consumed, dotted ? ctx.AbbreviationPeriod(last) : 0};
}

// "2024-03-14", "2024/03/14", "3/14/2024", "14/3/2024", "03-14-24", "14.03.2024", "3/14".
Match ReadNumericDate(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.size() < 3 || core.size() > 10 || !IsDigit(core[0])) return {};
  const std::size_t sep_at = core.find_first_not_of("0123456789");
  if (sep_at == std::string_view::npos) return {};
  const char sep = core[sep_at];
  if (sep != '-' && sep != '/' && sep != '.') return {};
  std::string_view parts[3];
  int count = 0;
  std::size_t begin = 0;
  for (std::size_t k = 0; k <= core.size(); ++k) {
    if (k == core.size() || core[k] == sep) {
      if (count == 3 || k == begin) return {};
      parts[count++] = core.substr(begin, k - begin);
      begin = k + 1;
    } else if (!IsDigit(core[k])) {
      return {};
    }
  }
  if (count == 3 && parts[0].size() == 4 && sep != '.') {  // ISO order
    const int month = SmallInt(parts[1]);
    const int day = SmallInt(parts[2]);
    if (parts[1].size() != 2 || parts[2].size() != 2 || !ValidDate(month, day)) return {};
    out.Word(MonthDay(month, day));
    out.Pause();
    out.Word(YearPart(parts[0]));
    return {1, 0};
  }
  if (count == 3 && parts[0].size() <= 2 && parts[1].size() <= 2 &&
      (parts[2].size() == 4 || parts[2].size() == 2)) {
    int a = SmallInt(parts[0]);
    int b = SmallInt(parts[1]);
    int month = a;
    int day = b;
    // US order unless impossible; dotted dates are European (day first).
    if (sep == '.' || (a > 12 && b <= 12)) {
      month = b;
      day = a;
    }
    if (!ValidDate(month, day)) return {};
    out.Word(MonthDay(month, day));
    out.Pause();
    out.Word(YearPart(parts[2]));
    return {1, 0};
  }
  if (count == 2 && sep == '/' && parts[0].size() <= 2 && parts[1].size() <= 2) {
    const int month = SmallInt(parts[0]);
    const int day = SmallInt(parts[1]);
    // Small proper fractions ("1/2", "3/4") are read by the number rule.
    if ((month < day && day <= 10) || !ValidDate(month, day)) {
      return {};
    }
    out.Word(MonthDay(month, day));
    return {1, 0};
  }
  if (count == 2 && sep == '-' && parts[0].size() == 4 && parts[1].size() == 2 &&
      parts[1][0] == '0') {  // "2024-03": year and month
    const int month = SmallInt(parts[1]);
    if (month < 1 || month > 12) return {};
    out.Word(std::string(kMonths[month - 1]) + " " + YearPart(parts[0]));
    return {1, 0};
  }
  return {};
}

// "March 3", "March 3rd, 2024", "Jan. 5", "March 2024".
Match ReadMonthFirst(const Context& ctx, std::size_t i, Emitter& out) {
  bool abbreviated = false;
  const int month = MonthOf(ctx[i].core, ctx.shouting(), &abbreviated);
  if (month == 0) return {};
  const Token& t = ctx[i];
  const bool attached = t.trail.empty() || (abbreviated && t.trail == ".");
  if (!attached || i + 1 >= ctx.size() || !ctx[i + 1].lead.empty()) return {};
  const std::string_view next = ctx.Core(i + 1);
  const std::string name(kMonths[month - 1]);
  const int day = DayOf(next);
  if (day > 0 && ValidDate(month, day)) {
    out.Word(name + " " + OrdinalWords(std::to_string(day)));
    const Token& d = ctx[i + 1];
    // An optional year after the day: "March 3, 2024" or "March 3 2024".
    if ((d.trail.empty() || d.trail == ",") && IsYearToken(ctx.Core(i + 2))) {
      out.Pause();
      out.Word(YearPart(ctx.Core(i + 2)));
      return {3, 0};
    }
    return {2, 0};
  }
  if (IsYearToken(next)) {
    out.Word(name + " " + YearPart(next));
    return {2, 0};
  }
  return {};
}

// "14 March 2024", "3rd of May" is plain words, "14th Feb."
Match ReadDayFirst(const Context& ctx, std::size_t i, Emitter& out) {
  const int day = DayOf(ctx[i].core);
  if (day < 0 || !ctx.Joined(i) || i + 1 >= ctx.size() || !ctx[i + 1].lead.empty()) return {};
  bool abbreviated = false;
  const int month = MonthOf(ctx.Core(i + 1), ctx.shouting(), &abbreviated);
  if (month == 0 || !ValidDate(month, day)) return {};
  const std::string the = ctx.PrevLower(i) == "the" ? "" : "the ";
  out.Word(the + OrdinalWords(std::to_string(day)) + " of " + std::string(kMonths[month - 1]));
  const Token& m = ctx[i + 1];
  const bool month_open = m.trail.empty() || m.trail == "," || (abbreviated && m.trail == ".");
  if (month_open && IsYearToken(ctx.Core(i + 2)) && ctx[i + 2].lead.empty()) {
    out.Pause();
    out.Word(YearPart(ctx.Core(i + 2)));
    return {3, 0};
  }
  return {2, abbreviated && m.trail == "." ? ctx.AbbreviationPeriod(i + 1) : 0};
}

}  // namespace

Match ReadDateTime(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.empty()) return {};
  if (IsDigit(core[0])) {
    if (Match m = ReadTime(ctx, i, out)) return m;
    if (Match m = ReadNumericDate(ctx, i, out)) return m;
    return ReadDayFirst(ctx, i, out);
  }
  return ReadMonthFirst(ctx, i, out);
}

}  // namespace vox::text
