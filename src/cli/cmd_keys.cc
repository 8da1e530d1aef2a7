// vox keys create|list|revoke: API key management, straight on the database.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/api_keys.h"
#include "cli/account_commands.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/platform.h"
#include "common/clock.h"
#include "store/store.h"

namespace vox::cli {
namespace {

struct KeysOptions {
  PlatformConfig config;
  std::string name;
  bool admin = false;
  std::string scopes;
  std::string project;
  std::string user;
  bool json = false;
  std::string id;
};

}  // namespace

void AddKeysCommand(CLI::App& app) {
  CLI::App* keys = app.add_subcommand("keys", "Manage API keys.");
  keys->require_subcommand(1);

  auto create = std::make_shared<KeysOptions>();
  CLI::App* c = keys->add_subcommand(
      "create",
      "Create an API key for a new user (--name) or an existing one (--user); prints the key "
      "alone on stdout (shown once).");
  create->config.AddOptions(*c);
  c->add_option("--name", create->name,
                "Name of the new user owning the key (with --user: the key's name)");
  CLI::Option* user = c->add_option(
      "--user", create->user, "Id of the existing user owning the key (see `vox users create`)");
  CLI::Option* admin =
      c->add_flag("--admin", create->admin,
                  "Make the new owner an admin (the key gets every scope unless --scopes says)");
  user->excludes(admin);
  c->add_option("--scopes", create->scopes,
                "Comma-separated: tts:read, tts:write, voices:read, voices:write, admin "
                "(default: all but admin; with --admin, all)");
  c->add_option("--project", create->project, "Project the key belongs to (usage per project)");
  c->callback([create] {
    if (create->name.empty() && create->user.empty()) {
      Fail("keys create", InvalidArgument("--name or --user is required", "name").error());
    }
    auto store = OpenMigratedStore(create->config, "keys create");
    Result<api::CreatedKey> key;
    if (!create->user.empty()) {
      auto owner = store->GetUser(create->user);
      const bool admin_owner = owner && owner->is_admin;
      key =
          api::CreateKeyForUser(*store, create->user,
                                {.user_name = "",
                                 .key_name = create->name,
                                 .admin = admin_owner,
                                 .scopes = ScopesOption(create->scopes, admin_owner, "keys create"),
                                 .project = OptionalText(create->project)},
                                NowMs());
    } else {
      key = api::CreateUserWithKey(
          *store,
          {.user_name = create->name,
           .key_name = create->name,
           .admin = create->admin,
           .scopes = ScopesOption(create->scopes, create->admin, "keys create"),
           .project = OptionalText(create->project)},
          NowMs());
    }
    if (!key) Fail("keys create", key.error());
    store::AuditEvent audit;
    audit.action = "key.create";
    audit.target_type = "api_key";
    audit.target_id = key->key.id;
    audit.detail = nlohmann::json{{"via", "cli"},
                                  {"prefix", key->key.prefix},
                                  {"user_id", key->user.id},
                                  {"admin", key->user.is_admin},
                                  {"scopes", key->key.scopes},
                                  {"project", key->key.project.value_or("")}}
                       .dump();
    (void)store->AppendAudit(audit);
    std::cout << key->plaintext << std::endl;
  });

  auto list = std::make_shared<KeysOptions>();
  CLI::App* l = keys->add_subcommand("list", "List API keys (prefixes only, never secrets).");
  list->config.AddOptions(*l);
  l->add_flag("--json", list->json, "Print JSON");
  l->callback([list] {
    auto store = OpenMigratedStore(list->config, "keys list");
    auto all = store->ListApiKeys(std::nullopt);
    if (!all) Fail("keys list", all.error());
    if (list->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& k : *all) {
        out.push_back({{"id", k.id},
                       {"prefix", k.prefix},
                       {"name", k.name},
                       {"user_id", k.user_id},
                       {"scopes", k.scopes},
                       {"project", k.project ? nlohmann::json(*k.project) : nlohmann::json()},
                       {"created_at", k.created_at},
                       {"revoked", k.revoked()}});
      }
      std::cout << out.dump(2) << std::endl;
      return;
    }
    std::printf("%-36s %-13s %-20s %-16s %-16s %-16s %s\n", "ID", "PREFIX", "NAME", "PROJECT",
                "CREATED", "REVOKED", "SCOPES");
    for (const auto& k : *all) {
      std::printf("%-36s %-13s %-20s %-16s %-16s %-16s %s\n", k.id.c_str(), k.prefix.c_str(),
                  k.name.c_str(), k.project.value_or("-").c_str(), FormatTime(k.created_at).c_str(),
                  FormatTime(k.revoked_at).c_str(), k.scopes.c_str());
    }
  });

  auto revoke = std::make_shared<KeysOptions>();
  CLI::App* r = keys->add_subcommand("revoke", "Revoke a key by id or prefix.");
  revoke->config.AddOptions(*r);
  r->add_option("id", revoke->id, "Key id or prefix (see `vox keys list`)")->required();
  r->callback([revoke] {
    auto store = OpenMigratedStore(revoke->config, "keys revoke");
    auto key = store->RevokeApiKey(revoke->id, NowMs());
    if (!key) Fail("keys revoke", key.error());
    store::AuditEvent audit;
    audit.action = "key.revoke";
    audit.target_type = "api_key";
    audit.target_id = key->id;
    audit.detail = nlohmann::json{{"via", "cli"}}.dump();
    (void)store->AppendAudit(audit);
    std::cout << "revoked " << key->prefix << " (" << key->name << ")" << std::endl;
  });
}

}  // namespace vox::cli
