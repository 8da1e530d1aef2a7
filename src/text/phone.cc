// Phone numbers, read digit by digit in their groups with a pause between
// groups: "(555) 123-4567" -> "five five five, one two three, four five six
// seven", "+1 555 123 4567" -> "plus one, five five five, ...".
#include <string>
#include <vector>

#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

// Splits "555-123-4567" / "555.123.4567" / "(555)123-4567" into digit groups.
// False when anything but digits and single separators appears.
bool DigitGroups(std::string_view s, std::vector<std::string_view>* groups) {
  std::size_t begin = 0;
  for (std::size_t k = 0; k <= s.size(); ++k) {
    const bool end = k == s.size();
    if (!end && IsDigit(s[k])) continue;
    if (!end && s[k] != '-' && s[k] != '.' && s[k] != ')' && s[k] != '(') return false;
    if (k > begin) {
      groups->push_back(s.substr(begin, k - begin));
    } else if (!end && k > 0) {
      return false;  // two separators in a row
    }
    begin = k + 1;
  }
  return !groups->empty();
}

std::size_t DigitCount(const std::vector<std::string_view>& groups) {
  std::size_t n = 0;
  for (auto g : groups) n += g.size();
  return n;
}

void Speak(bool plus, const std::vector<std::string_view>& groups, Emitter& out) {
  std::string first = plus ? "plus " : "";
  for (std::size_t k = 0; k < groups.size(); ++k) {
    if (k > 0) out.Pause();
    out.Word(k == 0 ? first + DigitWords(groups[k]) : DigitWords(groups[k]));
  }
}

bool Sizes(const std::vector<std::string_view>& g, std::initializer_list<std::size_t> sizes) {
  if (g.size() != sizes.size()) return false;
  std::size_t k = 0;
  for (std::size_t size : sizes) {
    if (g[k++].size() != size) return false;
  }
  return true;
}

}  // namespace

Match ReadPhone(const Context& ctx, std::size_t i, Emitter& out) {
  const Token& t = ctx[i];
  const std::string_view core = t.core;
  if (core.empty() || !(IsDigit(core[0]) || core[0] == '+')) return {};
  std::vector<std::string_view> groups;

  if (core[0] == '+') {
    // International: "+44-20-7946-0958", or "+1" followed by separate groups
    // "+1 555 123 4567" / "+1 (555) 123-4567".
    if (!DigitGroups(core.substr(1), &groups) || groups[0].size() > 3) return {};
    std::size_t j = i;
    while (groups.size() == 1 || j > i) {
      if (j + 1 >= ctx.size()) break;
      const Token& cur = ctx[j];
      if (!(cur.trail.empty() || (cur.lead == "(" && cur.trail == ")"))) break;
      const Token& next = ctx[j + 1];
      if (!(next.lead.empty() || (next.lead == "(" && next.trail == ")"))) break;
      std::vector<std::string_view> more;
      if (next.core.find_first_not_of("0123456789-.") != std::string_view::npos ||
          !DigitGroups(next.core, &more) || DigitCount(groups) + DigitCount(more) > 15) {
        break;
      }
      groups.insert(groups.end(), more.begin(), more.end());
      ++j;
    }
    const std::size_t digits = DigitCount(groups);
    if (groups.size() < 2 || digits < 8 || digits > 15) return {};
    Speak(true, groups, out);
    return {j - i + 1, 0};
  }

  // "(555) 123-4567": area code in brackets, then the local number.
  if (t.lead == "(" && t.trail == ")" && core.size() == 3 && AllDigits(core) &&
      i + 1 < ctx.size() && ctx[i + 1].lead.empty() && DigitGroups(ctx.Core(i + 1), &groups) &&
      Sizes(groups, {3, 4})) {
    groups.insert(groups.begin(), core);
    Speak(false, groups, out);
    return {2, 0};
  }
  groups.clear();
  if (!DigitGroups(core, &groups)) return {};
  // Parentheses only around a leading area code: "(555)123-4567".
  const std::size_t open = core.find('(');
  if (open != std::string_view::npos) return {};
  if (core.find(')') != std::string_view::npos && !(t.lead == "(" && Sizes(groups, {3, 3, 4}))) {
    return {};
  }
  const bool separators_same =
      core.find('-') == std::string_view::npos || core.find('.') == std::string_view::npos;
  if (!separators_same) return {};
  if (Sizes(groups, {3, 3, 4}) || Sizes(groups, {1, 3, 3, 4}) || Sizes(groups, {3, 4})) {
    // "555-1234" is a phone number; "2024.5" or "3-5" never gets here.
    // Only with a hyphen and a real exchange (2-9) so "100-2000" stays a range.
    if (Sizes(groups, {3, 4}) && (core.find('-') == std::string_view::npos || core[0] < '2')) {
      return {};
    }
    Speak(false, groups, out);
    return {1, 0};
  }
  return {};
}

}  // namespace vox::text
