#include "http/url.h"

namespace vox::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool SplitTarget(std::string_view target, TargetParts& parts) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t authority = target.find("//") + 2;
    size_t slash = target.find_first_of("/?#", authority);
    if (slash == std::string_view::npos) {
      parts = {"/", {}};
      return true;
    }
    target.remove_prefix(slash);
    if (target.front() != '/') {  // "http://h?x": empty path
      parts.path = "/";
      size_t q = target.find('?');
      std::string_view rest =
          q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
      parts.query = rest.substr(0, rest.find('#'));
      return true;
    }
  }
  if (target.empty() || target.front() != '/') return false;
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  size_t q = target.find('?');
  if (q == std::string_view::npos) {
    parts = {target, {}};
  } else {
    parts = {target.substr(0, q), target.substr(q + 1)};
  }
  return true;
}

bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view key = piece.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto& [k, v] = out.emplace_back();
    if (!PercentDecode(key, true, k) || !PercentDecode(value, true, v)) return false;
  }
  return true;
}

}  // namespace vox::http
