// API keys: creation, hashing and the first-start admin bootstrap.
//
// A key is "vox_" + 40 random alphanumerics. Only its SHA-256 is stored
// (docs/DECISIONS.md #2); the plaintext is returned once, at creation.
#pragma once

#include <string>

#include "common/status.h"
#include "store/store.h"

namespace vox::api {

std::string HashApiKey(std::string_view plaintext);

struct CreatedKey {
  std::string plaintext;  // shown once; never stored or logged
  store::ApiKey key;
  store::User user;
};

// Creates a user named `user_name` (admin or not) and a key for it.
Result<CreatedKey> CreateUserWithKey(store::Store& store, const std::string& user_name,
                                     const std::string& key_name, bool admin, int64_t now);

// When the database has no API key at all, creates an admin user and key and
// returns it (the caller prints it once); nullopt otherwise.
Result<std::optional<CreatedKey>> BootstrapAdminKey(store::Store& store, int64_t now);

}  // namespace vox::api
