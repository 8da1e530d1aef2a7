#include "text/acronyms.h"

#include <algorithm>
#include <array>
#include <span>

#include "text/text_util.h"

namespace vox::text {
namespace {

template <std::size_t N>
constexpr bool Sorted(const std::array<std::string_view, N>& a) {
  for (std::size_t i = 1; i < N; ++i) {
    if (!(a[i - 1] < a[i])) return false;
  }
  return true;
}

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& a, std::string_view w) {
  return std::binary_search(a.begin(), a.end(), w);
}

// Initialisms that people say as words.
constexpr std::array<std::string_view, 52> kSaidAsWords = {
    "AIDS",  "ASCII",    "AWOL",   "BASIC", "CAPTCHA", "CERN",   "COBOL",  "COVID", "DARPA",
    "FEMA",  "FIFA",     "FLOTUS", "FOMO",  "FORTRAN", "GIF",    "HIPAA",  "HUD",   "ICANN",
    "IKEA",  "INTERPOL", "LASER",  "LEGO",  "LIDAR",   "LINUX",  "MERS",   "MIDI",  "NAFTA",
    "NASA",  "NASCAR",   "NASDAQ", "NATO",  "NIMBY",   "NORAD",  "OPEC",   "OSHA",  "PEMDAS",
    "PIN",   "POTUS",    "RADAR",  "RAM",   "ROM",     "SARS",   "SCOTUS", "SCUBA", "SIM",
    "SONAR", "SWAT",     "TOEFL",  "UEFA",  "UNESCO",  "UNICEF", "UNIX"};
static_assert(Sorted(kSaidAsWords));

// Initialisms that look pronounceable but are spelled.
constexpr std::array<std::string_view, 24> kAlwaysSpelled = {
    "AARP", "ACLU", "AMA", "AOL", "BBC",  "CEO",  "CIA", "CNN", "EU", "FAQ", "FBI", "IOU",
    "IRA",  "NBA",  "NFL", "NHL", "NYSE", "UCLA", "UFO", "UK",  "UN", "USA", "USB", "USDA"};
static_assert(Sorted(kAlwaysSpelled));

// Short words that stay words in shouted text ("IS", "THE", "WHO").
constexpr std::array<std::string_view, 90> kShortWords = {
    "ADD", "AGO", "ALL", "AM",  "AN",  "AND", "ANY", "ARE", "AS",  "ASK", "AT",  "BAD", "BE",
    "BIG", "BUT", "BUY", "BY",  "CAN", "CAR", "DAY", "DID", "DO",  "DOG", "END", "FEW", "FOR",
    "GET", "GO",  "GOD", "GOT", "HAD", "HAS", "HE",  "HER", "HI",  "HIM", "HIS", "HOT", "HOW",
    "I",   "IF",  "IN",  "IS",  "IT",  "ITS", "LET", "LOW", "MAN", "MAY", "ME",  "MEN", "MY",
    "NEW", "NO",  "NOT", "NOW", "OF",  "OFF", "OH",  "OLD", "ON",  "ONE", "OR",  "OUR", "OUT",
    "OWN", "RUN", "SAY", "SEE", "SHE", "SO",  "THE", "TO",  "TOO", "TOP", "TRY", "TWO", "UP",
    "US",  "USE", "WAR", "WAS", "WAY", "WE",  "WHO", "WHY", "WIN", "YES", "YET", "YOU"};
static_assert(Sorted(kShortWords));

// Short capitalized words that are never initialisms, even when not shouted:
// "NO!" is "no", not "N O".
constexpr std::array<std::string_view, 16> kNeverInitialisms = {
    "AND", "ARE", "BUT", "FOR", "GO",  "HEY", "HI",  "NO",
    "NOT", "OH",  "SO",  "THE", "WAS", "WOW", "YES", "YOU"};
static_assert(Sorted(kNeverInitialisms));

// Lower-case vowel-less words that are real words, not initialisms.
constexpr std::array<std::string_view, 16> kVowellessWords = {
    "brr", "grr",  "hm", "hmm", "mm",  "mmm",  "nth", "pfft",
    "pst", "psst", "sh", "shh", "tsk", "hmph", "zzz", "ssh"};

constexpr std::string_view kOnsets[] = {"BL", "BR", "CH", "CL", "CR", "DR", "FL", "FR", "GL",
                                        "GR", "PH", "PL", "PR", "SC", "SH", "SK", "SL", "SM",
                                        "SN", "SP", "ST", "SW", "TH", "TR", "TW", "WH"};
constexpr std::string_view kCodas[] = {"CK", "CT", "DS", "FT", "KS", "LD", "LF", "LK", "LL",
                                       "LM", "LP", "LS", "LT", "MP", "MS", "NS", "ND", "NG",
                                       "NK", "NT", "PS", "PT", "RD", "RK", "RM", "RN", "RS",
                                       "RT", "SH", "SK", "SP", "SS", "ST", "TH", "TS"};

bool InList(std::span<const std::string_view> list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Y is a vowel except at the start of a word ("NYSE" -> N Y S E).
bool IsVowelAt(std::string_view w, std::size_t i) {
  return IsVowel(w[i]) || (ToUpper(w[i]) == 'Y' && i > 0);
}

// Upper-case letters that can be said as a word: a vowel, no three vowels or
// three consonants in a row, and only common clusters at the edges.
bool Pronounceable(std::string_view w) {
  bool has_vowel = false;
  int consonants = 0;
  int vowels = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (IsVowelAt(w, i)) {
      has_vowel = true;
      ++vowels;
      consonants = 0;
    } else {
      ++consonants;
      vowels = 0;
    }
    if (consonants >= 3 || vowels >= 3) return false;
  }
  if (!has_vowel) return false;
  if (w.size() >= 2 && !IsVowelAt(w, 0) && !IsVowelAt(w, 1) && !InList(kOnsets, w.substr(0, 2))) {
    return false;
  }
  const std::size_t n = w.size();
  if (n >= 3 && !IsVowelAt(w, n - 1) && !IsVowelAt(w, n - 2) && !InList(kCodas, w.substr(n - 2))) {
    return false;
  }
  return true;
}

bool HasVowel(std::string_view w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (IsVowelAt(w, i)) return true;
  }
  return false;
}

// 2..5 upper-case letters that are read letter by letter.
bool IsSpelledInitialism(std::string_view word) {
  if (word.size() < 2 || word.size() > 5 || !AllUpper(word)) return false;
  if (Contains(kSaidAsWords, word)) return false;
  if (Contains(kAlwaysSpelled, word)) return true;
  if (word.size() <= 3) return true;
  return !Pronounceable(word);
}

}  // namespace

std::string SpeakLetterWord(std::string_view word, bool shouting) {
  if (word == "OK" || word == "Ok" || word == "ok") return "okay";
  if (word.size() >= 2 && AllUpper(word)) {
    if (Contains(kSaidAsWords, word)) return shouting ? Lower(word) : std::string(word);
    if (shouting) {
      const bool spell = Contains(kAlwaysSpelled, word) || !HasVowel(word) ||
                         (word.size() <= 3 && !Contains(kShortWords, word));
      return spell ? SpellLetters(word) : Lower(word);
    }
    if (Contains(kNeverInitialisms, word)) return Lower(word);
    if (IsSpelledInitialism(word)) return SpellLetters(word);
    return word.size() >= 6 ? Lower(word) : std::string(word);
  }
  const bool all_lower = std::all_of(word.begin(), word.end(), [](char c) { return IsLower(c); });
  if (all_lower && word.size() >= 2 && word.size() <= 4 && !HasVowel(word) &&
      !InList(kVowellessWords, word)) {
    return SpellLetters(word);
  }
  return std::string(word);
}

}  // namespace vox::text
