// vox plans set|list and vox users create: plans with their limits and the
// users on them, straight on the database (api/usage_meter.h enforces them).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/account_commands.h"
#include "cli/commands.h"
#include "common/clock.h"

namespace vox::cli {
namespace {

struct PlanOptions {
  PlatformConfig config;
  std::string name;
  int64_t monthly_chars = 0;
  int64_t voice_slots = 0;
  double rate = 0;
  int64_t concurrency = 0;
  std::string plan = "free";
  bool json = false;
};

void Audit(store::Store& store, const char* action, const char* type, const std::string& id,
           nlohmann::json detail) {
  store::AuditEvent audit;
  audit.action = action;
  audit.target_type = type;
  audit.target_id = id;
  detail["via"] = "cli";
  audit.detail = detail.dump();
  (void)store.AppendAudit(audit);
}

nlohmann::json PlanJson(const store::Plan& p) {
  return {{"name", p.name},
          {"monthly_chars", p.monthly_chars},
          {"voice_slots", p.voice_slots},
          {"rate", p.rate},
          {"concurrency", p.concurrency}};
}

void AddPlansCommand(CLI::App& app) {
  CLI::App* plans = app.add_subcommand("plans", "Manage plans: quotas and limits of users.");
  plans->require_subcommand(1);

  auto set = std::make_shared<PlanOptions>();
  CLI::App* s = plans->add_subcommand("set", "Create a plan or change its limits (0: no limit).");
  set->config.AddOptions(*s);
  s->add_option("name", set->name, "Plan name (users name it with --plan)")->required();
  s->add_option("--monthly-chars", set->monthly_chars,
                "Characters a user may synthesize per calendar month (UTC)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--voice-slots", set->voice_slots, "Cloned voices a user may keep")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--rate", set->rate, "Submissions per second per key (bursts of 2 s)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--concurrency", set->concurrency, "Jobs a user may have queued or running")
      ->check(CLI::NonNegativeNumber);
  s->callback([set] {
    auto store = OpenMigratedStore(set->config, "plans set");
    auto plan = store->UpsertPlan({.name = set->name,
                                   .monthly_chars = set->monthly_chars,
                                   .voice_slots = set->voice_slots,
                                   .rate = set->rate,
                                   .concurrency = set->concurrency,
                                   .created_at = 0,
                                   .updated_at = 0});
    if (!plan) Fail("plans set", plan.error());
    Audit(*store, "plan.set", "plan", plan->name, PlanJson(*plan));
    std::cout << PlanJson(*plan).dump() << std::endl;
  });

  auto list = std::make_shared<PlanOptions>();
  CLI::App* l = plans->add_subcommand("list", "List plans.");
  list->config.AddOptions(*l);
  l->add_flag("--json", list->json, "Print JSON");
  l->callback([list] {
    auto store = OpenMigratedStore(list->config, "plans list");
    auto all = store->ListPlans();
    if (!all) Fail("plans list", all.error());
    if (list->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& p : *all) out.push_back(PlanJson(p));
      std::cout << out.dump(2) << std::endl;
      return;
    }
    std::printf("%-20s %14s %11s %8s %11s\n", "NAME", "MONTHLY_CHARS", "VOICE_SLOTS", "RATE",
                "CONCURRENCY");
    for (const auto& p : *all) {
      std::printf("%-20s %14lld %11lld %8g %11lld\n", p.name.c_str(),
                  static_cast<long long>(p.monthly_chars), static_cast<long long>(p.voice_slots),
                  p.rate, static_cast<long long>(p.concurrency));
    }
  });
}

void AddUsersCommand(CLI::App& app) {
  CLI::App* users = app.add_subcommand("users", "Manage users.");
  users->require_subcommand(1);
  auto create = std::make_shared<PlanOptions>();
  CLI::App* c = users->add_subcommand(
      "create", "Create a user on a plan; prints its id (then `vox keys create --user ID`).");
  create->config.AddOptions(*c);
  c->add_option("--name", create->name, "User name")->required();
  c->add_option("--plan", create->plan, "Plan (see `vox plans list`)")->capture_default_str();
  c->callback([create] {
    if (create->name.empty() || create->name.size() > 200) {
      Fail("users create", InvalidArgument("name must be 1..200 characters", "name").error());
    }
    auto store = OpenMigratedStore(create->config, "users create");
    // "free" needs no row (a plan without one has no limits); any other must exist.
    if (create->plan != "free") {
      if (auto plan = store->GetPlan(create->plan); !plan) Fail("users create", plan.error());
    }
    store::User user;
    user.name = create->name;
    user.plan = create->plan;
    auto created = store->CreateUser(user);
    if (!created) Fail("users create", created.error());
    Audit(*store, "user.create", "user", created->id, {{"plan", created->plan}});
    std::cout << created->id << std::endl;
  });
}

}  // namespace

void AddPlansCommands(CLI::App& app) {
  AddPlansCommand(app);
  AddUsersCommand(app);
}

}  // namespace vox::cli
