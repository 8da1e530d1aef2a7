// Money: "$1,250.50" -> "one thousand two hundred fifty dollars and fifty
// cents", "£3.99" -> "three pounds and ninety-nine pence", "€20", "20€",
// "$0.01" -> "one cent", "$5 million", "$2.5bn", "$5-10", "USD 100",
// "100 EUR", "50¢", "$5/month" -> "five dollars per month".
#include <span>
#include <string>

#include "text/number_parse.h"
#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"
#include "text/units.h"

namespace vox::text {
namespace {

struct Currency {
  std::string_view major;  // singular
  std::string_view major_plural;
  std::string_view minor;  // empty: read decimals with "point"
  std::string_view minor_plural;
};

constexpr Currency kDollar{"dollar", "dollars", "cent", "cents"};
constexpr Currency kUsDollar{"U S dollar", "U S dollars", "cent", "cents"};
constexpr Currency kAusDollar{"Australian dollar", "Australian dollars", "cent", "cents"};
constexpr Currency kCanDollar{"Canadian dollar", "Canadian dollars", "cent", "cents"};
constexpr Currency kNzDollar{"New Zealand dollar", "New Zealand dollars", "cent", "cents"};
constexpr Currency kHkDollar{"Hong Kong dollar", "Hong Kong dollars", "cent", "cents"};
constexpr Currency kSgDollar{"Singapore dollar", "Singapore dollars", "cent", "cents"};
constexpr Currency kEuro{"euro", "euros", "cent", "cents"};
constexpr Currency kPound{"pound", "pounds", "penny", "pence"};
constexpr Currency kYen{"yen", "yen", "", ""};
constexpr Currency kYuan{"yuan", "yuan", "", ""};
constexpr Currency kRupee{"rupee", "rupees", "paisa", "paise"};
constexpr Currency kWon{"won", "won", "", ""};
constexpr Currency kRuble{"ruble", "rubles", "kopek", "kopeks"};
constexpr Currency kLira{"lira", "lira", "", ""};
constexpr Currency kShekel{"shekel", "shekels", "agora", "agorot"};
constexpr Currency kPeso{"peso", "pesos", "centavo", "centavos"};
constexpr Currency kReal{"real", "reais", "centavo", "centavos"};
constexpr Currency kFranc{"Swiss franc", "Swiss francs", "centime", "centimes"};
constexpr Currency kBitcoin{"bitcoin", "bitcoins", "", ""};
constexpr Currency kCent{"cent", "cents", "", ""};
constexpr Currency kPence{"penny", "pence", "", ""};

struct Sign {
  std::string_view text;
  const Currency* currency;
};

// Longer signs first so that "US$" wins over "$".
constexpr Sign kSymbols[] = {
    {"US$", &kUsDollar}, {"NZ$", &kNzDollar},   {"HK$", &kHkDollar}, {"A$", &kAusDollar},
    {"C$", &kCanDollar}, {"S$", &kSgDollar},    {"R$", &kReal},      {"$", &kDollar},
    {"\u20AC", &kEuro},  {"\u00A3", &kPound},   {"\u00A5", &kYen},   {"\u20B9", &kRupee},
    {"\u20A9", &kWon},   {"\u20BD", &kRuble},   {"\u20BA", &kLira},  {"\u20AA", &kShekel},
    {"\u20B1", &kPeso},  {"\u20BF", &kBitcoin}, {"\u00A2", &kCent}};

constexpr Sign kCodes[] = {
    {"USD", &kDollar},    {"EUR", &kEuro},      {"GBP", &kPound},    {"JPY", &kYen},
    {"CNY", &kYuan},      {"INR", &kRupee},     {"KRW", &kWon},      {"RUB", &kRuble},
    {"AUD", &kAusDollar}, {"CAD", &kCanDollar}, {"NZD", &kNzDollar}, {"HKD", &kHkDollar},
    {"SGD", &kSgDollar},  {"CHF", &kFranc},     {"BRL", &kReal},     {"ILS", &kShekel},
    {"PHP", &kPeso},      {"TRY", &kLira},      {"BTC", &kBitcoin}};

const Currency* PrefixSymbol(std::string_view s, std::size_t* len) {
  for (const Sign& sign : kSymbols) {
    if (s.starts_with(sign.text)) {
      *len = sign.text.size();
      return sign.currency;
    }
  }
  return nullptr;
}

const Currency* ExactSign(std::string_view s, std::span<const Sign> signs) {
  for (const Sign& sign : signs) {
    if (s == sign.text) return sign.currency;
  }
  return nullptr;
}

std::string_view MagnitudeSuffix(std::string_view s) {
  if (s == "k" || s == "K") return "thousand";
  if (s == "m" || s == "M" || s == "mn" || s == "MM" || s == "mil") return "million";
  if (s == "b" || s == "B" || s == "bn" || s == "bil") return "billion";
  if (s == "t" || s == "T" || s == "tn" || s == "tr") return "trillion";
  return {};
}

bool MagnitudeWord(std::string_view s) {
  return s == "hundred" || s == "thousand" || s == "million" || s == "billion" || s == "trillion";
}

// The amount read with the currency's units; `magnitude` ("million") forces
// the plain number form "one point five million dollars".
std::string SpeakAmount(const NumberLiteral& n, const Currency& c, std::string_view magnitude) {
  std::string sign = n.negative ? "minus " : "";
  if (!magnitude.empty()) {
    NumberLiteral unsigned_n = n;
    unsigned_n.negative = false;
    return sign + SpeakNumber(unsigned_n) + " " + std::string(magnitude) + " " +
           std::string(c.major_plural);
  }
  const std::string integer = n.integer.empty() ? "0" : n.integer;
  const bool whole_one = integer == "1";
  if (!n.has_point || (!c.minor.empty() && n.fraction.size() <= 2)) {
    int cents = 0;
    if (n.has_point) {
      cents = SmallInt(n.fraction);
      if (n.fraction.size() == 1) cents *= 10;  // "$2.5" is two dollars fifty
    }
    const bool zero_major = integer.find_first_not_of('0') == std::string::npos;
    std::string out;
    if (!zero_major || cents == 0) {
      out = CardinalWords(integer) + " " + std::string(whole_one ? c.major : c.major_plural);
    }
    if (cents > 0) {
      if (!out.empty()) out += " and ";
      out += CardinalWords(static_cast<std::uint64_t>(cents)) + " " +
             std::string(cents == 1 ? c.minor : c.minor_plural);
    }
    return sign + out;
  }
  NumberLiteral unsigned_n = n;
  unsigned_n.negative = false;
  return sign + SpeakNumber(unsigned_n) + " " + std::string(c.major_plural);
}

// Reads "<amount>[-<amount>][magnitude][/unit]" (the part after the symbol).
// Returns false when `s` is not entirely such an amount.
bool SpeakTail(std::string_view s, const Currency& c, bool negative, const Context& ctx,
               std::size_t i, std::string* words, bool* took_next) {
  auto n = ParseNumberPrefix(s, /*allow_sign=*/!negative);
  if (!n || n->plus) return false;
  if (negative) n->negative = true;
  std::size_t pos = n->length;
  std::string range_to;
  if (pos + 1 < s.size() && s[pos] == '-') {
    std::string_view second = s.substr(pos + 1);
    std::size_t sym_len = 0;
    if (PrefixSymbol(second, &sym_len) == &c) second.remove_prefix(sym_len);
    if (auto m = ParseNumberPrefix(second, /*allow_sign=*/false)) {
      range_to = SpeakNumber(*m);
      pos = s.size() - second.size() + m->length;
    }
  }
  std::string_view rest = s.substr(pos);
  std::string_view magnitude = MagnitudeSuffix(rest);
  std::string per;
  if (!magnitude.empty()) {
    rest = {};
  } else if (rest.size() > 1 && rest[0] == '/') {
    auto p = PerUnit(rest.substr(1));
    if (!p) return false;
    per = " " + *p;
    rest = {};
  }
  if (!rest.empty()) return false;
  // "$5 million": the magnitude is the next word.
  *took_next = false;
  std::string magnitude_word;
  if (magnitude.empty() && per.empty() && ctx.Joined(i) && MagnitudeWord(ctx.Core(i + 1))) {
    magnitude_word = std::string(ctx.Core(i + 1));
    magnitude = magnitude_word;
    *took_next = true;
  }
  if (!range_to.empty()) {
    *words = SpeakNumber(*n) + " to " + range_to +
             (magnitude.empty() ? "" : " " + std::string(magnitude)) + " " +
             std::string(c.major_plural);
  } else {
    *words = SpeakAmount(*n, c, magnitude);
  }
  *words += per;
  return true;
}

}  // namespace

Match ReadMoney(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.empty()) return {};
  std::string words;
  bool took_next = false;

  // Symbol first: "$5", "-$5", "US$5".
  std::string_view s = core;
  const bool negative = s.size() > 1 && s[0] == '-';
  if (negative) s.remove_prefix(1);
  std::size_t sym_len = 0;
  if (const Currency* c = PrefixSymbol(s, &sym_len)) {
    if (SpeakTail(s.substr(sym_len), *c, negative, ctx, i, &words, &took_next)) {
      out.Word(words);
      return {took_next ? 2u : 1u, 0};
    }
    // A bare symbol followed by the amount: "$ 5", "USD 100".
    if (sym_len == s.size() && !negative && ctx.Joined(i) && StartsDigit(ctx.Core(i + 1)) &&
        SpeakTail(ctx.Core(i + 1), *c, false, ctx, i + 1, &words, &took_next)) {
      out.Word(words);
      return {took_next ? 3u : 2u, 0};
    }
    return {};
  }
  if (const Currency* c = ExactSign(core, kCodes)) {
    if (ctx.Joined(i) && StartsDigit(ctx.Core(i + 1)) &&
        SpeakTail(ctx.Core(i + 1), *c, false, ctx, i + 1, &words, &took_next)) {
      out.Word(words);
      return {took_next ? 3u : 2u, 0};
    }
    return {};
  }

  // Symbol or code after the amount: "20€", "50¢", "20 €", "100 USD".
  if (!IsDigit(core[0]) && !(negative && core.size() > 1 && IsDigit(core[1]))) return {};
  auto n = ParseNumberPrefix(core);
  if (!n) return {};
  const std::string_view suffix = core.substr(n->length);
  const Currency* c = nullptr;
  std::size_t consumed = 1;
  if (!suffix.empty()) {
    c = suffix == "p" && n->IsPlainInteger() ? &kPence : ExactSign(suffix, kSymbols);
  } else if (ctx.Joined(i) && ctx[i + 1].lead.empty()) {
    const std::string_view next = ctx.Core(i + 1);
    c = ExactSign(next, kSymbols);
    if (!c) c = ExactSign(next, kCodes);
    consumed = 2;
  }
  if (!c) return {};
  out.Word(SpeakAmount(*n, *c, {}));
  return {consumed, 0};
}

}  // namespace vox::text
