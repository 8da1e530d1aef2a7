#include "http/router.h"

#include <algorithm>
#include <array>
#include <set>

#include "http/url.h"

namespace vox::http {
namespace {

bool IsParamName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsMethodToken(std::string_view method) {
  return !method.empty() && method.size() <= 20 &&
         std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Splits "/a/b/" into {"a","b",""}; "/" into {}. Returns the count, or kMax+1 when too many.
template <size_t kMax>
size_t SplitPath(std::string_view path, std::array<std::string_view, kMax>& out) {
  path.remove_prefix(1);  // leading '/'
  if (path.empty()) return 0;
  size_t n = 0;
  while (true) {
    if (n == kMax) return kMax + 1;
    size_t slash = path.find('/');
    out[n++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return n;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

Status Router::Add(std::string_view method, std::string_view pattern, Handler handler,
                   RouteOptions options) {
  const std::string where = std::string(method) + " " + std::string(pattern);
  if (!IsMethodToken(method)) return InvalidArgument("bad method in route " + where, "method");
  if (!handler) return InvalidArgument("empty handler for route " + where, "handler");
  if (pattern.empty() || pattern.front() != '/') {
    return InvalidArgument("route pattern must start with '/': " + where, "pattern");
  }
  Pattern parsed{std::string(pattern), {}, {}};
  std::array<std::string_view, kMaxSegments> raw;
  size_t n = SplitPath(pattern, raw);
  if (n > kMaxSegments) return InvalidArgument("too many segments in " + where, "pattern");
  std::set<std::string_view> names;
  for (size_t i = 0; i < n; ++i) {
    std::string_view s = raw[i];
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
      std::string_view name = s.substr(1, s.size() - 2);
      if (!IsParamName(name)) return InvalidArgument("bad parameter name in " + where, "pattern");
      if (!names.insert(name).second) {
        return InvalidArgument("duplicate parameter in " + where, "pattern");
      }
      parsed.segments.push_back({true, std::string(name)});
    } else if (s.find_first_of("{}%?#") != std::string_view::npos) {
      return InvalidArgument("bad literal segment in " + where, "pattern");
    } else {
      parsed.segments.push_back({false, std::string(s)});
    }
  }

  auto same_shape = [&](const Pattern& p) {
    if (p.segments.size() != parsed.segments.size()) return false;
    for (size_t i = 0; i < p.segments.size(); ++i) {
      const Segment& a = p.segments[i];
      const Segment& b = parsed.segments[i];
      if (a.is_param != b.is_param || (!a.is_param && a.text != b.text)) return false;
    }
    return true;
  };
  auto existing = std::find_if(patterns_.begin(), patterns_.end(), same_shape);
  if (existing != patterns_.end() && existing->text != parsed.text) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "route " + where + " conflicts with " + existing->text, "pattern");
  }
  if (existing == patterns_.end()) {
    patterns_.push_back(std::move(parsed));
    existing = patterns_.end() - 1;
  }
  for (const MethodEntry& m : existing->methods) {
    if (m.method == method) {
      return MakeError(ErrorCode::kAlreadyExists, "duplicate route " + where, "pattern");
    }
  }
  existing->methods.push_back({std::string(method), std::move(handler), options});

  // Literal before parameter at the first position where two patterns differ in kind.
  std::stable_sort(patterns_.begin(), patterns_.end(), [](const Pattern& a, const Pattern& b) {
    size_t n = std::min(a.segments.size(), b.segments.size());
    for (size_t i = 0; i < n; ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  });
  return {};
}

RouteMatch Router::Match(std::string_view method, std::string_view path,
                         std::vector<std::pair<std::string, std::string>>& params) const {
  params.clear();
  RouteMatch result;
  std::array<std::string_view, kMaxSegments> raw;
  size_t n = SplitPath(path, raw);
  if (n > kMaxSegments) return result;  // no pattern is that deep

  // Decode only segments that need it; most paths have no '%'.
  std::array<std::string, kMaxSegments> decoded_storage;
  std::array<std::string_view, kMaxSegments> segments;
  for (size_t i = 0; i < n; ++i) {
    if (raw[i].find('%') == std::string_view::npos) {
      segments[i] = raw[i];
    } else {
      if (!PercentDecode(raw[i], false, decoded_storage[i])) {
        result.kind = RouteMatch::Kind::kBadPath;
        return result;
      }
      segments[i] = decoded_storage[i];
    }
  }

  auto path_matches = [&](const Pattern& p) {
    if (p.segments.size() != n) return false;
    for (size_t i = 0; i < n; ++i) {
      const Segment& s = p.segments[i];
      if (s.is_param ? segments[i].empty() : s.text != segments[i]) return false;
    }
    return true;
  };
  const Pattern* first_path_match = nullptr;
  for (const Pattern& p : patterns_) {
    if (!path_matches(p)) continue;
    if (first_path_match == nullptr) first_path_match = &p;
    const MethodEntry* entry = nullptr;
    for (const MethodEntry& m : p.methods) {
      if (m.method == method) entry = &m;
    }
    if (entry == nullptr && method == "HEAD") {
      for (const MethodEntry& m : p.methods) {
        if (m.method == "GET") entry = &m;
      }
    }
    if (entry == nullptr) continue;
    for (size_t i = 0; i < n; ++i) {
      if (p.segments[i].is_param) params.emplace_back(p.segments[i].text, segments[i]);
    }
    result.kind = RouteMatch::Kind::kFound;
    result.handler = &entry->handler;
    result.options = &entry->options;
    result.pattern = p.text;
    return result;
  }
  if (first_path_match == nullptr) return result;  // 404

  // 405: the error path may allocate; the hit path above does not.
  std::set<std::string_view> allowed;
  for (const Pattern& p : patterns_) {
    if (!path_matches(p)) continue;
    for (const MethodEntry& m : p.methods) {
      allowed.insert(m.method);
      if (m.method == "GET") allowed.insert("HEAD");
    }
  }
  result.kind = RouteMatch::Kind::kMethodNotAllowed;
  result.pattern = first_path_match->text;
  for (std::string_view m : allowed) {
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += m;
  }
  return result;
}

}  // namespace vox::http
