#include "api/api_keys.h"

#include "common/crypto.h"

namespace vox::api {
namespace {
constexpr std::string_view kKeyPrefix = "vox_";
constexpr size_t kKeyRandomChars = 40;
constexpr size_t kDisplayPrefixChars = 12;  // "vox_" + 8: enough to tell keys apart in a list
}  // namespace

std::string HashApiKey(std::string_view plaintext) { return Sha256Hex(plaintext); }

Status ValidateProject(const std::optional<std::string>& project) {
  if (project && (project->empty() || project->size() > 100)) {
    return InvalidArgument("project must be 1..100 characters", "project");
  }
  return {};
}

namespace {

Status CheckKeySpec(const KeySpec& spec, bool admin) {
  if (spec.scopes.Has(Scope::kAdmin) && !admin) {
    return InvalidArgument("the admin scope is only for an admin user's key", "scopes");
  }
  if (spec.scopes.empty()) return InvalidArgument("a key needs at least one scope", "scopes");
  return ValidateProject(spec.project);
}

// Mints the key of `user` and stores its hash.
Result<CreatedKey> MintKey(store::Store& store, store::User user, const KeySpec& spec,
                           int64_t now) {
  CreatedKey created;
  created.plaintext = std::string(kKeyPrefix) + RandomToken(kKeyRandomChars);
  store::ApiKey key;
  key.user_id = user.id;
  key.name = spec.key_name.empty() ? user.name : spec.key_name;
  key.scopes = spec.scopes.ToString();
  key.project = spec.project;
  key.prefix = created.plaintext.substr(0, kDisplayPrefixChars);
  key.key_hash = HashApiKey(created.plaintext);
  key.created_at = now;
  VOX_ASSIGN_OR_RETURN(created.key, store.CreateApiKey(std::move(key)));
  created.user = std::move(user);
  return created;
}

}  // namespace

Result<CreatedKey> CreateUserWithKey(store::Store& store, const KeySpec& spec, int64_t now) {
  if (spec.user_name.empty() || spec.user_name.size() > 200) {
    return InvalidArgument("name must be 1..200 characters", "name");
  }
  VOX_RETURN_IF_ERROR(CheckKeySpec(spec, spec.admin));
  store::User user;
  user.name = spec.user_name;
  user.is_admin = spec.admin;
  user.plan = spec.admin ? "admin" : "free";
  user.created_at = now;
  VOX_ASSIGN_OR_RETURN(user, store.CreateUser(std::move(user)));
  return MintKey(store, std::move(user), spec, now);
}

Result<CreatedKey> CreateKeyForUser(store::Store& store, const std::string& user_id,
                                    const KeySpec& spec, int64_t now) {
  auto user = store.GetUser(user_id);
  if (!user && user.error().code == ErrorCode::kNotFound) {
    return NotFound("no user '" + user_id + "' (see `vox users create`)", "user");
  }
  if (!user) return std::unexpected(user.error());
  VOX_RETURN_IF_ERROR(CheckKeySpec(spec, user->is_admin));
  return MintKey(store, std::move(*user), spec, now);
}

Result<std::optional<CreatedKey>> BootstrapAdminKey(store::Store& store, int64_t now) {
  VOX_ASSIGN_OR_RETURN(auto keys, store.ListApiKeys(std::nullopt));
  if (!keys.empty()) return std::optional<CreatedKey>();
  VOX_ASSIGN_OR_RETURN(CreatedKey created, CreateUserWithKey(store,
                                                             {.user_name = "admin",
                                                              .key_name = "admin",
                                                              .admin = true,
                                                              .scopes = ScopeSet::All(),
                                                              .project = std::nullopt},
                                                             now));
  return std::optional<CreatedKey>(std::move(created));
}

}  // namespace vox::api
