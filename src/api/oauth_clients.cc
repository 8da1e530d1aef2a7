#include "api/oauth_clients.h"

#include "api/api_keys.h"
#include "common/crypto.h"

namespace vox::api {

std::string HashClientSecret(std::string_view secret) { return Sha256Hex(secret); }

Result<CreatedClient> CreateClient(store::Store& store, const ClientSpec& spec, int64_t now) {
  if (spec.name.empty() || spec.name.size() > 200) {
    return InvalidArgument("name must be 1..200 characters", "name");
  }
  if (spec.scopes.empty()) return InvalidArgument("a client needs at least one scope", "scopes");
  VOX_RETURN_IF_ERROR(ValidateProject(spec.project));
  store::User user;
  if (spec.user_id.empty()) {
    user.name = spec.name;
    user.is_admin = spec.admin;
    user.plan = spec.admin ? "admin" : "free";
    user.created_at = now;
  } else {
    auto found = store.GetUser(spec.user_id);
    if (!found && found.error().code == ErrorCode::kNotFound) {
      return InvalidArgument("no user '" + spec.user_id + "'", "user");
    }
    VOX_ASSIGN_OR_RETURN(user, std::move(found));
  }
  if (spec.scopes.Has(Scope::kAdmin) && !user.is_admin) {
    return InvalidArgument("the admin scope is only for an admin user's client", "scopes");
  }
  if (spec.user_id.empty()) {
    VOX_ASSIGN_OR_RETURN(user, store.CreateUser(std::move(user)));
  }

  CreatedClient created;
  created.secret = "vcs_" + RandomToken(40);
  store::OAuthClient client;
  client.id = "vc_" + RandomToken(24);
  client.user_id = user.id;
  client.name = spec.name;
  client.secret_hash = HashClientSecret(created.secret);
  client.scopes = spec.scopes.ToString();
  client.project = spec.project;
  client.created_at = now;
  VOX_ASSIGN_OR_RETURN(created.client, store.CreateOAuthClient(std::move(client)));
  return created;
}

}  // namespace vox::api
