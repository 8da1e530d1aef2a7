// vox keys create|list|revoke: API key management, straight on the database.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "api/api_keys.h"
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
  bool json = false;
  std::string id;
};

std::unique_ptr<store::Store> OpenMigratedStore(KeysOptions& o, const char* command) {
  ExitOnError(command, o.config.Finalize());
  ExitOnError(command, MigrateDatabase(o.config));
  auto store = store::OpenStore(o.config.database_url);
  if (!store) Fail(command, store.error());
  return std::move(*store);
}

std::string FormatTime(const std::optional<int64_t>& ms) {
  if (!ms) return "-";
  std::time_t s = static_cast<std::time_t>(*ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", std::gmtime(&s));
  return buf;
}

}  // namespace

void AddKeysCommand(CLI::App& app) {
  CLI::App* keys = app.add_subcommand("keys", "Manage API keys.");
  keys->require_subcommand(1);

  auto create = std::make_shared<KeysOptions>();
  CLI::App* c = keys->add_subcommand(
      "create", "Create a user and an API key; prints the key alone on stdout (shown once).");
  create->config.AddOptions(*c);
  c->add_option("--name", create->name, "Name of the key's owner")->required();
  c->add_flag("--admin", create->admin, "Give the key admin rights");
  c->callback([create] {
    auto store = OpenMigratedStore(*create, "keys create");
    auto key = api::CreateUserWithKey(*store, create->name, create->name, create->admin, NowMs());
    if (!key) Fail("keys create", key.error());
    store::AuditEvent audit;
    audit.action = "key.create";
    audit.target_type = "api_key";
    audit.target_id = key->key.id;
    audit.detail = nlohmann::json{{"via", "cli"}, {"prefix", key->key.prefix},
                                  {"admin", create->admin}}.dump();
    (void)store->AppendAudit(audit);
    std::cout << key->plaintext << std::endl;
  });

  auto list = std::make_shared<KeysOptions>();
  CLI::App* l = keys->add_subcommand("list", "List API keys (prefixes only, never secrets).");
  list->config.AddOptions(*l);
  l->add_flag("--json", list->json, "Print JSON");
  l->callback([list] {
    auto store = OpenMigratedStore(*list, "keys list");
    auto all = store->ListApiKeys(std::nullopt);
    if (!all) Fail("keys list", all.error());
    if (list->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& k : *all) {
        out.push_back({{"id", k.id}, {"prefix", k.prefix}, {"name", k.name}, {"user_id", k.user_id},
                       {"created_at", k.created_at}, {"revoked", k.revoked()}});
      }
      std::cout << out.dump(2) << std::endl;
      return;
    }
    std::printf("%-36s %-13s %-20s %-16s %-16s\n", "ID", "PREFIX", "NAME", "CREATED", "REVOKED");
    for (const auto& k : *all) {
      std::printf("%-36s %-13s %-20s %-16s %-16s\n", k.id.c_str(), k.prefix.c_str(),
                  k.name.c_str(), FormatTime(k.created_at).c_str(),
                  FormatTime(k.revoked_at).c_str());
    }
  });

  auto revoke = std::make_shared<KeysOptions>();
  CLI::App* r = keys->add_subcommand("revoke", "Revoke a key by id or prefix.");
  revoke->config.AddOptions(*r);
  r->add_option("id", revoke->id, "Key id or prefix (see `vox keys list`)")->required();
  r->callback([revoke] {
    auto store = OpenMigratedStore(*revoke, "keys revoke");
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
