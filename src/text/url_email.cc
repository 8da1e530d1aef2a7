// Web addresses and e-mail addresses.
//
// We read addresses the way people say them, not character by character:
// the "http://" or "https://" scheme is dropped (nobody says "h t t p s colon
// slash slash"), "www" is spelled, dots are "dot", slashes "slash", and each
// run of letters is said as a word unless it has no vowel or is a two-letter
// country domain, which are spelled ("bbc dot co dot u k"). Digits are read
// one by one. "https://example.com/path" -> "example dot com slash path";
// "john.doe@example.com" -> "john dot doe at example dot com".
#include <algorithm>
#include <string>

#include "text/acronyms.h"
#include "text/number_words.h"
#include "text/rule_context.h"
#include "text/text_util.h"

namespace vox::text {
namespace {

constexpr std::string_view kTlds[] = {"ai", "app", "au",   "biz",  "br",  "ca", "ch",     "cn",
                                      "co", "com", "de",   "dev",  "edu", "es", "eu",     "fr",
                                      "gg", "gov", "in",   "info", "int", "io", "it",     "jp",
                                      "ly", "me",  "mil",  "net",  "nl",  "no", "online", "org",
                                      "ru", "se",  "site", "tech", "tv",  "uk", "us",     "xyz"};

bool KnownTld(std::string_view label) {
  return std::find(std::begin(kTlds), std::end(kTlds), label) != std::end(kTlds);
}

bool HostChar(char c) { return IsAlnum(c) || c == '-' || c == '.'; }

// "example.co.uk": non-empty labels of letters, digits and hyphens; at least
// two of them unless `single_ok` ("localhost" after a scheme).
bool IsHost(std::string_view host, bool single_ok = false) {
  if (host.empty() || host.front() == '.' || host.back() == '.' || host.front() == '-') {
    return false;
  }
  if (host.find("..") != std::string_view::npos) return false;
  if (!single_ok && host.find('.') == std::string_view::npos) return false;
  return std::all_of(host.begin(), host.end(), HostChar);
}

std::string_view LastLabel(std::string_view host) { return host.substr(host.rfind('.') + 1); }

// One run of letters inside an address.
std::string SpeakLabelWord(std::string_view run, bool domain) {
  if (domain && run.size() == 2 && run != "co") return SpellLetters(run);
  std::string spoken = SpeakLetterWord(run, false);
  return spoken;
}

// Reads an address piece by piece; `domain` is true for host names.
void SpeakAddressText(std::string_view s, bool domain, Emitter& out) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char c = s[pos];
    if (IsAlpha(c)) {
      std::size_t end = pos;
      while (end < s.size() && IsAlpha(s[end])) ++end;
      // A domain label is judged whole: "uk" but not "uk" inside "ukraine".
      const bool whole_label =
          domain && (end == s.size() || s[end] == '.') && (pos == 0 || s[pos - 1] == '.');
      out.Word(SpeakLabelWord(s.substr(pos, end - pos), whole_label));
      pos = end;
      continue;
    }
    if (IsDigit(c)) {
      std::size_t end = pos;
      while (end < s.size() && IsDigit(s[end])) ++end;
      out.Word(DigitWords(s.substr(pos, end - pos)));
      pos = end;
      continue;
    }
    switch (c) {
      case '.':
        out.Word("dot");
        break;
      case '/':
        out.Word("slash");
        break;
      case '-':
        out.Word("dash");
        break;
      case '_':
        out.Word("underscore");
        break;
      case ':':
        out.Word("colon");
        break;
      case '?':
        out.Word("question mark");
        break;
      case '=':
        out.Word("equals");
        break;
      case '&':
        out.Word("and");
        break;
      case '#':
        out.Word("hash");
        break;
      case '%':
        out.Word("percent");
        break;
      case '~':
        out.Word("tilde");
        break;
      case '+':
        out.Word("plus");
        break;
      case '@':
        out.Word("at");
        break;
      default:
        break;  // other characters are not said
    }
    ++pos;
  }
}

bool ReadEmail(std::string_view s, Emitter& out) {
  if (s.starts_with("mailto:")) s.remove_prefix(7);
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = s.substr(0, at);
  const std::string_view host = s.substr(at + 1);
  const bool local_ok = std::all_of(local.begin(), local.end(), [](char c) {
    return IsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
  });
  if (!local_ok || !IsHost(host) || !AllAlpha(LastLabel(host))) return false;
  SpeakAddressText(Lower(local), false, out);  // case carries no meaning in practice
  out.Word("at");
  SpeakAddressText(Lower(host), true, out);
  return true;
}

bool ReadUrl(std::string_view s, Emitter& out) {
  std::string_view scheme;
  for (std::string_view prefix : {"https://", "http://", "ftp://", "sftp://"}) {
    if (s.starts_with(prefix)) {
      scheme = prefix.substr(0, prefix.size() - 3);
      s.remove_prefix(prefix.size());
    }
  }
  const std::size_t host_end = std::min(s.find_first_of("/?#"), s.size());
  std::string_view host = s.substr(0, host_end);
  std::string_view port;
  if (const std::size_t colon = host.find(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (!AllDigits(port)) return false;
  }
  if (!IsHost(host, /*single_ok=*/!scheme.empty())) return false;
  const bool www = EqualsIgnoreCase(host.substr(0, 4), "www.");
  if (scheme.empty() && !www && !KnownTld(LastLabel(host))) return false;
  if (scheme.empty() && !www && AllDigits(host.substr(0, host.find('.')))) return false;
  if (!scheme.empty() && scheme != "http" && scheme != "https") {
    out.Word(SpellLetters(scheme));
    out.Word("colon slash slash");
  }
  SpeakAddressText(Lower(host), true, out);  // host names are case-insensitive
  if (!port.empty()) {
    out.Word("colon");
    out.Word(DigitWords(port));
  }
  std::string_view path = s.substr(host_end);
  while (path.ends_with('/')) path.remove_suffix(1);  // a trailing slash is not said
  SpeakAddressText(path, false, out);
  return true;
}

}  // namespace

Match ReadAddress(const Context& ctx, std::size_t i, Emitter& out) {
  const std::string_view core = ctx[i].core;
  if (core.size() < 4 || !IsAlnum(core[0])) return {};
  if (core.find('@') != std::string_view::npos) {
    return ReadEmail(core, out) ? Match{1, 0} : Match{};
  }
  if (core.find('.') == std::string_view::npos && core.find("://") == std::string_view::npos) {
    return {};
  }
  return ReadUrl(core, out) ? Match{1, 0} : Match{};
}

}  // namespace vox::text
