// OAuth2 clients for the client credentials grant: creation and secret hashing.
//
// A client id is "vc_" + 24 random alphanumerics (public); its secret is
// "vcs_" + 40 (238 bits), stored as a SHA-256 like API keys (DECISIONS #2: a
// slow password hash buys nothing against that entropy and would cost on
// every token request). The secret is returned once, at creation.
#pragma once

#include <optional>
#include <string>

#include "api/scopes.h"
#include "common/status.h"
#include "store/store.h"

namespace vox::api {

std::string HashClientSecret(std::string_view secret);

struct ClientSpec {
  std::string name;
  // The user the client's tokens act as; empty: a new user named `name`.
  std::string user_id;
  bool admin = false;  // with a new user: make it an admin
  ScopeSet scopes = ScopeSet::Default();
  std::optional<std::string> project;
};

struct CreatedClient {
  std::string secret;  // shown once; never stored or logged
  store::OAuthClient client;
};

// The admin scope needs an admin user (kInvalidArgument, field "scopes").
Result<CreatedClient> CreateClient(store::Store& store, const ClientSpec& spec, int64_t now);

}  // namespace vox::api
