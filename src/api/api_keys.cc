#include "api/api_keys.h"

#include "common/crypto.h"

namespace vox::api {
namespace {
constexpr std::string_view kKeyPrefix = "vox_";
constexpr size_t kKeyRandomChars = 40;
constexpr size_t kDisplayPrefixChars = 12;  // "vox_" + 8: enough to tell keys apart in a list
}  // namespace

std::string HashApiKey(std::string_view plaintext) { return Sha256Hex(plaintext); }

Result<CreatedKey> CreateUserWithKey(store::Store& store, const std::string& user_name,
                                     const std::string& key_name, bool admin, int64_t now) {
  if (user_name.empty() || user_name.size() > 200) {
    return InvalidArgument("name must be 1..200 characters", "name");
  }
  store::User user;
  user.name = user_name;
  user.is_admin = admin;
  user.plan = admin ? "admin" : "free";
  user.created_at = now;
  VOX_ASSIGN_OR_RETURN(user, store.CreateUser(std::move(user)));

  CreatedKey created;
  created.plaintext = std::string(kKeyPrefix) + RandomToken(kKeyRandomChars);
  store::ApiKey key;
  key.user_id = user.id;
  key.name = key_name.empty() ? user_name : key_name;
  key.prefix = created.plaintext.substr(0, kDisplayPrefixChars);
  key.key_hash = HashApiKey(created.plaintext);
  key.created_at = now;
  VOX_ASSIGN_OR_RETURN(created.key, store.CreateApiKey(std::move(key)));
  created.user = std::move(user);
  return created;
}

Result<std::optional<CreatedKey>> BootstrapAdminKey(store::Store& store, int64_t now) {
  VOX_ASSIGN_OR_RETURN(auto keys, store.ListApiKeys(std::nullopt));
  if (!keys.empty()) return std::optional<CreatedKey>();
  VOX_ASSIGN_OR_RETURN(CreatedKey created, CreateUserWithKey(store, "admin", "admin", true, now));
  return std::optional<CreatedKey>(std::move(created));
}

}  // namespace vox::api
