// vox voices: every voice (built-in and Piper), as a table or JSON.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/engine_setup.h"
#include "cli/errors.h"
#include "engines/engine_registry.h"

namespace vox::cli {
namespace {

struct VoicesOptions {
  bool json = false;
  std::string language;
  std::string models;
  std::string data_dir;
};

Status RunVoices(const VoicesOptions& o) {
  VOX_ASSIGN_OR_RETURN(auto registry,
                       OpenEngines({.models_flag = o.models, .data_dir = o.data_dir}));
  auto voices = registry->ListVoices(o.language);
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : voices) out.push_back(v.ToJson());
    std::cout << out.dump(2) << "\n";
    return {};
  }
  std::printf("%-18s %-10s %-8s %-8s %7s  %s\n", "ID", "ENGINE", "LANG", "GENDER", "RATE",
              "DESCRIPTION");
  for (const auto& v : voices) {
    std::printf("%-18s %-10s %-8s %-8s %7d  %s\n", v.id.c_str(), v.engine.c_str(),
                v.language.c_str(), v.gender.c_str(), v.sample_rate, v.description.c_str());
  }
  return {};
}

}  // namespace

void AddVoicesCommand(CLI::App& app) {
  auto options = std::make_shared<VoicesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "voices", "List the voices: built-in, and Piper voices of the model directory.");
  cmd->add_flag("--json", options->json, "Print JSON instead of a table");
  cmd->add_option("-l,--language", options->language, "Only voices for this language");
  cmd->add_option("--models,--model-dir", options->models,
                  "Directory of Piper voices (default: DATA/models when --data is given)")
      ->envname("VOX_MODEL_DIR");
  cmd->add_option("--data", options->data_dir, "Data directory (its models/ holds Piper voices)");
  AddVoicesRevokeCommand(*cmd);
  // CLI11 runs this after a subcommand's callback: list only when none was given.
  cmd->callback([options, cmd] {
    if (cmd->get_subcommands().empty()) ExitOnError("voices", RunVoices(*options));
  });
}

}  // namespace vox::cli
