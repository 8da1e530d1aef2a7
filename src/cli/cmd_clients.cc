// vox clients create|list|revoke: OAuth2 clients (client credentials grant),
// straight on the database. `create` prints the secret once.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/oauth_clients.h"
#include "cli/account_commands.h"
#include "cli/commands.h"
#include "common/clock.h"

namespace vox::cli {
namespace {

struct ClientsOptions {
  PlatformConfig config;
  std::string name;
  std::string user;
  bool admin = false;
  std::string scopes;
  std::string project;
  bool json = false;
  std::string id;
};

void Audit(store::Store& store, const char* action, const store::OAuthClient& client,
           nlohmann::json detail) {
  store::AuditEvent audit;
  audit.action = action;
  audit.target_type = "oauth_client";
  audit.target_id = client.id;
  detail["via"] = "cli";
  audit.detail = detail.dump();
  (void)store.AppendAudit(audit);
}

}  // namespace

void AddClientsCommand(CLI::App& app) {
  CLI::App* clients = app.add_subcommand("clients", "Manage OAuth2 clients (client credentials).");
  clients->require_subcommand(1);

  auto create = std::make_shared<ClientsOptions>();
  CLI::App* c = clients->add_subcommand(
      "create",
      "Create a client; prints `client_id: …` and `client_secret: …` (the secret shown once).");
  create->config.AddOptions(*c);
  c->add_option("--name", create->name, "Name of the client")->required();
  c->add_option("--user", create->user,
                "User id the client's tokens act as (see `vox keys list`; default: a new user)");
  c->add_flag("--admin", create->admin, "With a new user: make it an admin");
  c->add_option("--scopes", create->scopes,
                "Comma-separated: tts:read, tts:write, voices:read, voices:write, admin "
                "(default: all but admin; with --admin, all)");
  c->add_option("--project", create->project, "Project the client belongs to");
  c->callback([create] {
    api::ClientSpec spec{.name = create->name,
                         .user_id = create->user,
                         .admin = create->admin,
                         .scopes = ScopesOption(create->scopes, create->admin, "clients create"),
                         .project = OptionalText(create->project)};
    auto store = OpenMigratedStore(create->config, "clients create");
    auto created = api::CreateClient(*store, spec, NowMs());
    if (!created) Fail("clients create", created.error());
    Audit(*store, "client.create", created->client,
          {{"scopes", created->client.scopes}, {"project", created->client.project.value_or("")}});
    std::cout << "client_id: " << created->client.id << "\n"
              << "client_secret: " << created->secret << std::endl;
  });

  auto list = std::make_shared<ClientsOptions>();
  CLI::App* l = clients->add_subcommand("list", "List OAuth2 clients (never secrets).");
  list->config.AddOptions(*l);
  l->add_flag("--json", list->json, "Print JSON");
  l->callback([list] {
    auto store = OpenMigratedStore(list->config, "clients list");
    auto all = store->ListOAuthClients();
    if (!all) Fail("clients list", all.error());
    if (list->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& k : *all) {
        out.push_back({{"client_id", k.id},
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
    std::printf("%-27s %-20s %-16s %-16s %-16s %s\n", "CLIENT_ID", "NAME", "PROJECT", "CREATED",
                "REVOKED", "SCOPES");
    for (const auto& k : *all) {
      std::printf("%-27s %-20s %-16s %-16s %-16s %s\n", k.id.c_str(), k.name.c_str(),
                  k.project.value_or("-").c_str(), FormatTime(k.created_at).c_str(),
                  FormatTime(k.revoked_at).c_str(), k.scopes.c_str());
    }
  });

  auto revoke = std::make_shared<ClientsOptions>();
  CLI::App* r = clients->add_subcommand(
      "revoke", "Revoke a client: it gets no new token, and its tokens stop working within 30 s.");
  revoke->config.AddOptions(*r);
  r->add_option("client_id", revoke->id, "The client's id")->required();
  r->callback([revoke] {
    auto store = OpenMigratedStore(revoke->config, "clients revoke");
    auto client = store->RevokeOAuthClient(revoke->id, NowMs());
    if (!client) Fail("clients revoke", client.error());
    Audit(*store, "client.revoke", *client, nlohmann::json::object());
    std::cout << "revoked " << client->id << " (" << client->name << ")" << std::endl;
  });
}

}  // namespace vox::cli
