#include "api/scopes.h"

#include <array>

namespace vox::api {
namespace {
constexpr std::array<std::pair<Scope, std::string_view>, 5> kScopes = {{
    {Scope::kTtsRead, "tts:read"},
    {Scope::kTtsWrite, "tts:write"},
    {Scope::kVoicesRead, "voices:read"},
    {Scope::kVoicesWrite, "voices:write"},
    {Scope::kAdmin, "admin"},
}};
}  // namespace

std::string_view ScopeName(Scope scope) {
  for (const auto& [s, name] : kScopes) {
    if (s == scope) return name;
  }
  return "unknown";
}

std::string ScopeSet::ToString(char separator) const {
  std::string out;
  for (const auto& [s, name] : kScopes) {
    if (!Has(s)) continue;
    if (!out.empty()) out.push_back(separator);
    out += name;
  }
  return out;
}

Error MissingScope(Scope scope) {
  return Error{ErrorCode::kPermissionDenied,
               "this call needs the '" + std::string(ScopeName(scope)) +
                   "' scope, which this credential does not have",
               "scope"};
}

Result<ScopeSet> ParseScopes(std::string_view text, std::string_view field) {
  ScopeSet set;
  size_t i = 0;
  while (i < text.size()) {
    const size_t end = text.find_first_of(" ,", i);
    std::string_view item = text.substr(i, end == std::string_view::npos ? text.npos : end - i);
    i = end == std::string_view::npos ? text.size() : end + 1;
    if (item.empty()) continue;
    bool known = false;
    for (const auto& [s, name] : kScopes) {
      if (item == name) {
        set = set.With(s);
        known = true;
      }
    }
    if (!known) {
      std::string shown(item.substr(0, 64));
      return InvalidArgument("unknown scope '" + shown +
                                 "' (known: tts:read, tts:write, voices:read, voices:write, admin)",
                             std::string(field));
    }
  }
  return set;
}

}  // namespace vox::api
