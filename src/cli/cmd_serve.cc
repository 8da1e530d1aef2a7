// vox serve (API + workers in one process), vox api, vox worker, vox migrate.
#include <iostream>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/platform.h"
#include "store/store.h"

namespace vox::cli {
namespace {

void AddPlatformCommand(CLI::App& app, const char* name, const char* help, Role role) {
  auto config = std::make_shared<PlatformConfig>();
  CLI::App* cmd = app.add_subcommand(name, help);
  config->AddOptions(*cmd);
  cmd->callback([config, role, name] {
    ExitOnError(name, config->Finalize());
    ExitOnError(name, RunPlatform(*config, role));
  });
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  AddPlatformCommand(app, "serve",
                     "Run the whole platform in one process: HTTP API and workers over SQLite, "
                     "a durable local queue and local audio storage (the embedded default).",
                     Role::kAll);
  AddPlatformCommand(app, "api", "Run the HTTP API only (scale-out: workers run elsewhere).",
                     Role::kApi);
  AddPlatformCommand(app, "worker", "Run synthesis workers only (scale-out).", Role::kWorker);
}

void AddMigrateCommand(CLI::App& app) {
  auto config = std::make_shared<PlatformConfig>();
  CLI::App* cmd = app.add_subcommand("migrate", "Create or upgrade the database schema.");
  config->AddOptions(*cmd);
  cmd->callback([config] {
    ExitOnError("migrate", config->Finalize());
    ExitOnError("migrate", MigrateDatabase(*config));
    auto store = store::OpenStore(config->database_url);
    if (!store) Fail("migrate", store.error());
    auto version = (*store)->SchemaVersion();
    if (!version) Fail("migrate", version.error());
    std::cout << "schema version " << *version << std::endl;
  });
}

}  // namespace vox::cli
