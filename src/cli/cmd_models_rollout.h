// vox models versions|tag|promote: the versions of each voice through their
// rollout (src/rollout). Added to `vox models` by cmd_models.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace vox::cli {

void AddModelRolloutCommands(CLI::App& models);

// --models/--model-dir (VOX_MODEL_DIR) and --data (VOX_DATA_DIR): what every
// `vox models` subcommand reads.
void AddModelDirOptions(CLI::App* cmd, std::string& models, std::string& data_dir);

}  // namespace vox::cli
