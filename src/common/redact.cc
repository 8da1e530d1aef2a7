#include "common/redact.h"

#include <array>
#include <cctype>

namespace vox {
namespace {

// The parameter name as a server would read it: "%50assword" is "password" too.
std::string DecodedLowerName(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '%' && i + 2 < name.size() && std::isxdigit(static_cast<unsigned char>(name[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(name[i + 2]))) {
      c = static_cast<char>(std::stoi(std::string(name.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+') {
      c = ' ';
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool LooksSecret(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kWords = {
      "password", "passwd", "pwd", "secret", "token", "key", "credential", "signature", "auth"};
  const std::string decoded = DecodedLowerName(name);
  for (std::string_view word : kWords) {
    if (decoded.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string RedactQuery(std::string_view query) {
  std::string out;
  while (true) {
    const size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    const size_t eq = param.find('=');
    if (eq != std::string_view::npos && LooksSecret(param.substr(0, eq))) {
      out.append(param.substr(0, eq)).append("=***");
    } else {
      out.append(param);
    }
    if (amp == std::string_view::npos) return out;
    out += '&';
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string out;
  size_t authority = url.find("://");
  authority = authority == std::string_view::npos ? 0 : authority + 3;
  out.append(url.substr(0, authority));
  std::string_view rest = url.substr(authority);
  // The authority ends at the path's '/'. A password may hold '?', '#' or '@' unencoded, so the
  // user info ends at the last '@' before that slash (a query value with '@' and no path before
  // it hides the host too: better too much than a password).
  const size_t at = rest.substr(0, rest.find('/')).rfind('@');
  if (at != std::string_view::npos) {
    out.append("***");
    rest.remove_prefix(at);
  }
  const size_t question = rest.find('?');
  if (question == std::string_view::npos) return out.append(rest);
  const size_t hash = rest.find('#', question);
  out.append(rest.substr(0, question + 1));
  out.append(
      RedactQuery(rest.substr(question + 1, hash == std::string_view::npos ? std::string_view::npos
                                                                           : hash - question - 1)));
  if (hash != std::string_view::npos) out.append(rest.substr(hash));
  return out;
}

}  // namespace vox
