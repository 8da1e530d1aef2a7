// RouteScopes: which scope each route needs. Routes declare theirs where
// they are registered (ApiServer::BuildRouter); handlers and gates look it up
// from the matched route, so a handler never names a scope itself.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "api/scopes.h"
#include "http/request.h"

namespace vox::api {

class RouteScopes {
 public:
  // Not thread-safe: declare every route before the server starts.
  void Declare(std::string_view method, std::string_view pattern, Scope scope) {
    scopes_[Key(method, pattern)] = scope;
  }
  // The scope `request`'s matched route needs (HEAD as GET). A route nobody
  // declared needs admin: forgetting a declaration fails closed.
  Scope For(const http::Request& request) const {
    const std::string_view method =
        request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
    auto it = scopes_.find(Key(method, request.route));
    return it == scopes_.end() ? Scope::kAdmin : it->second;
  }

 private:
  static std::string Key(std::string_view method, std::string_view pattern) {
    return std::string(method) + ' ' + std::string(pattern);
  }
  std::unordered_map<std::string, Scope> scopes_;
};

}  // namespace vox::api
