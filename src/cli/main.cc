// The `vox` command: wiring only; each subcommand lives in its own file.
#include <spdlog/spdlog.h>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Vox: self-hosted text-to-speech and voice cloning.\n"
               "Offline: `vox synth --text \"Hello\" --out hello.wav`. Server: `vox serve`."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vox 0.1.0");
  spdlog::set_level(spdlog::level::warn);
  vox::cli::AddSynthCommand(app);
  vox::cli::AddVoicesCommand(app);
  vox::cli::AddServeCommand(app);
  vox::cli::AddMigrateCommand(app);
  vox::cli::AddKeysCommand(app);
  vox::cli::AddClientsCommand(app);
  vox::cli::AddPlansCommands(app);
  vox::cli::AddCloneCommand(app);
  vox::cli::AddPhonemizeCommand(app);
  vox::cli::AddModelsCommand(app);
  vox::cli::AddBackupCommands(app);
  vox::cli::AddEncryptionCommand(app);
  vox::cli::AddAuditCommand(app);
  vox::cli::AddStagingCommand(app);
  vox::cli::AddWatermarkCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return vox::cli::kExitUsage;
  }
  return 0;
}
