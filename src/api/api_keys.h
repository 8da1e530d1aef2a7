// API keys: creation, hashing and the first-start admin bootstrap.
//
// A key is "vox_" + 40 random alphanumerics. Only its SHA-256 is stored
// (docs/DECISIONS.md #2); the plaintext is returned once, at creation.
#pragma once

#include <string>

#include "api/scopes.h"
#include "common/status.h"
#include "store/store.h"

namespace vox::api {

std::string HashApiKey(std::string_view plaintext);

struct CreatedKey {
  std::string plaintext;  // shown once; never stored or logged
  store::ApiKey key;
  store::User user;
};

struct KeySpec {
  std::string user_name;
  std::string key_name;  // empty: the user's name
  bool admin = false;    // the user is an admin
  ScopeSet scopes = ScopeSet::Default();
  std::optional<std::string> project;
};

// Creates a user and a key for it. The admin scope needs an admin user
// (kInvalidArgument, field "scopes", otherwise); a project is 1..100 characters.
Result<CreatedKey> CreateUserWithKey(store::Store& store, const KeySpec& spec, int64_t now);

// Creates a key for the existing user `user_id` (`spec.user_name` and
// `spec.admin` are ignored: the user's own are used; the key's name defaults
// to the user's). kNotFound (field "user") for an unknown user.
Result<CreatedKey> CreateKeyForUser(store::Store& store, const std::string& user_id,
                                    const KeySpec& spec, int64_t now);

// Checks an optional project name (shared by keys and OAuth clients).
Status ValidateProject(const std::optional<std::string>& project);

// When the database has no API key at all, creates an admin user and key and
// returns it (the caller prints it once); nullopt otherwise.
Result<std::optional<CreatedKey>> BootstrapAdminKey(store::Store& store, int64_t now);

}  // namespace vox::api
