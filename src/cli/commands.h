// Each `vox` subcommand registers itself on the app; main() only wires.
#pragma once

#include <CLI/CLI.hpp>

namespace vox::cli {

// Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

void AddSynthCommand(CLI::App& app);
void AddVoicesCommand(CLI::App& app);
void AddVoicesRevokeCommand(CLI::App& voices);  // vox voices revoke (cmd_voices_revoke.cc)
void AddServeCommand(CLI::App& app);
void AddMigrateCommand(CLI::App& app);
void AddKeysCommand(CLI::App& app);
void AddClientsCommand(CLI::App& app);  // OAuth2 clients
void AddPlansCommands(CLI::App& app);   // plans set|list, users create
void AddCloneCommand(CLI::App& app);    // clone, consent-statement, protected
void AddPhonemizeCommand(CLI::App& app);
void AddModelsCommand(CLI::App& app);   // models list|add|remove
void AddBackupCommands(CLI::App& app);  // backup, restore
void AddEncryptionCommand(CLI::App& app);  // encryption new-key|rotate
void AddAuditCommand(CLI::App& app);    // audit verify|export
void AddStagingCommand(CLI::App& app);  // staging-test (src/staging)
void AddWatermarkCommand(CLI::App& app);  // watermark detect

}  // namespace vox::cli
