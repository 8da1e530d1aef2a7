#include "ssml/say_as.h"

#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "text/number_words.h"

namespace vox::ssml {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

std::unexpected<Error> NotA(std::string_view what, std::string_view text) {
  return InvalidArgument(
      "say-as " + std::string(what) + ": '" + std::string(text.substr(0, 64)) + "' is not one",
      "text");
}

// "1,234" -> "1234"; digits with optional thousands commas, nothing else.
std::optional<std::string> PlainNumber(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',') continue;
    if (!IsDigit(c)) return std::nullopt;
    out += c;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

Result<std::string> Cardinal(std::string_view text) {
  const bool negative = text.starts_with('-');
  auto digits = PlainNumber(negative ? text.substr(1) : text);
  if (!digits) return NotA("cardinal", text);
  return (negative ? "minus " : "") + text::CardinalWords(*digits);
}

Result<std::string> Ordinal(std::string_view text) {
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (text.ends_with(suffix)) text.remove_suffix(suffix.size());
  }
  auto digits = PlainNumber(text);
  if (!digits) return NotA("ordinal", text);
  return text::OrdinalWords(*digits);
}

Result<std::string> Digits(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (IsDigit(c)) {
      digits += c;
    } else if (c != ' ' && c != '-') {
      return NotA("digits", text);
    }
  }
  if (digits.empty()) return NotA("digits", text);
  return text::DigitWords(digits);
}

// One code point per word; digits as their words so "A1" is "A one".
std::string Characters(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xF0) {
      len = 4;
    } else if (lead >= 0xE0) {
      len = 3;
    } else if (lead >= 0xC0) {
      len = 2;
    }
    std::string_view cp = text.substr(i, len);
    i += len;
    if (cp == " " || cp == "\t" || cp == "\n" || cp == "\r") continue;
    if (!out.empty()) out += ' ';
    if (cp.size() == 1 && IsDigit(cp[0])) {
      out += text::DigitWords(cp);
    } else if (cp.size() == 1 && cp[0] >= 'a' && cp[0] <= 'z') {
      out += static_cast<char>(cp[0] - 'a' + 'A');  // a lone capital reads as its letter
    } else {
      out += cp;
    }
  }
  return out;
}

Result<std::string> Date(std::string_view format, std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '-' || text[i] == '/' || text[i] == '.') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (format.empty()) format = "mdy";
  if (format != "mdy" && format != "dmy" && format != "ymd") {
    return InvalidArgument(
        "say-as date: format '" + std::string(format.substr(0, 16)) + "' is not mdy, dmy or ymd",
        "text");
  }
  if (parts.size() != 3) return NotA("date", text);
  unsigned day = 0, month = 0, year = 0;
  for (size_t i = 0; i < 3; ++i) {
    std::string_view p = parts[i];
    unsigned* field = format[i] == 'd' ? &day : format[i] == 'm' ? &month : &year;
    if (!AllDigits(p) || p.size() > 4 ||
        std::from_chars(p.data(), p.data() + p.size(), *field).ec != std::errc()) {
      return NotA("date", text);
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return NotA("date", text);
  static constexpr std::array<std::string_view, 12> kNames = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return std::string(kNames[month - 1]) + " " + text::OrdinalWords(std::to_string(day)) + ", " +
         text::YearWords(year);
}

// "+1 (555) 010-2345": each group of digits read digit by digit, groups
// separated by a comma (a short pause), a leading + as "plus".
Result<std::string> Telephone(std::string_view text) {
  std::string out = text.starts_with('+') ? "plus" : "";
  std::string group;
  auto flush = [&] {
    if (group.empty()) return;
    if (!out.empty()) out += out == "plus" ? " " : ", ";
    out += text::DigitWords(group);
    group.clear();
  };
  for (size_t i = text.starts_with('+') ? 1 : 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      group += c;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      flush();
    } else {
      return NotA("telephone", text);
    }
  }
  flush();
  if (out.empty() || out == "plus") return NotA("telephone", text);
  return out;
}

}  // namespace

Result<std::string> SayAs(std::string_view interpret_as, std::string_view format,
                          std::string_view raw) {
  const std::string_view text = Trim(raw);
  if (interpret_as == "cardinal") return Cardinal(text);
  if (interpret_as == "ordinal") return Ordinal(text);
  if (interpret_as == "characters") return Characters(text);
  if (interpret_as == "digits") return Digits(text);
  if (interpret_as == "date") return Date(format, text);
  if (interpret_as == "telephone") return Telephone(text);
  if (interpret_as == "time" || interpret_as == "currency") return std::string(text);
  return InvalidArgument("say-as interpret-as '" + std::string(interpret_as.substr(0, 32)) +
                             "' is not supported (cardinal, ordinal, characters, digits, date, "
                             "time, telephone, currency)",
                         "text");
}

}  // namespace vox::ssml
