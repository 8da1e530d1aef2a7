// vox models list|add|remove: the Piper voices of a model directory.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cmd_models_rollout.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "neural/piper_engine.h"
#include "piper/model_directory.h"
#include "piper/model_installer.h"

namespace vox::cli {
namespace {

struct ModelsOptions {
  std::string models;
  std::string data_dir = "data";
  bool json = false;
  std::string source;  // add
  std::string sha256;
  std::uintmax_t max_bytes = std::uintmax_t{1} << 30;
  bool replace = false;
  std::string name;  // remove

  std::filesystem::path dir() const { return piper::ModelDirFrom(models, data_dir); }
};

// What `add` runs to prove a model's graph loads and speaks before installing it.
piper::GraphValidator GraphValidatorForCli() { return neural::ValidatePiperGraph; }

Status RunList(const ModelsOptions& o) {
  VOX_ASSIGN_OR_RETURN(auto models, piper::ModelDirectory::Scan(o.dir()));
  if (o.json) {
    nlohmann::json voices = nlohmann::json::array();
    for (const piper::PiperVoice& v : models.Voices()) {
      const piper::VoiceConfig& c = v.package->config;
      voices.push_back({{"id", v.id},
                        {"version", v.package->version},
                        {"language", c.language.Bcp47()},
                        {"quality", c.quality},
                        {"speakers", c.num_speakers},
                        {"speaker_id", v.speaker_id},
                        {"sample_rate", c.sample_rate},
                        {"dataset", c.dataset},
                        {"license", c.license}});
    }
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : models.problems()) {
      problems.push_back({{"path", p.path.string()}, {"message", p.message}});
    }
    std::cout << nlohmann::json{{"voices", voices}, {"problems", problems}}.dump(2) << "\n";
    return {};
  }
  std::printf("%-40s %-8s %-8s %8s %7s\n", "ID", "LANG", "QUALITY", "SPEAKERS", "RATE");
  for (const piper::PiperVoice& v : models.Voices()) {
    const piper::VoiceConfig& c = v.package->config;
    std::printf("%-40s %-8s %-8s %8d %7d\n", v.id.c_str(), c.language.Bcp47().c_str(),
                c.quality.c_str(), c.num_speakers, c.sample_rate);
  }
  for (const auto& p : models.problems()) {
    std::fprintf(stderr, "vox models: warning: %s: %s\n", p.path.string().c_str(),
                 p.message.c_str());
  }
  return {};
}

Status RunAdd(const ModelsOptions& o) {
  piper::InstallOptions options;
  options.sha256 = o.sha256;
  options.max_bytes = o.max_bytes;
  options.replace = o.replace;
  options.validate_graph = GraphValidatorForCli();
  VOX_ASSIGN_OR_RETURN(piper::InstalledVoice voice,
                       piper::InstallVoice(o.dir(), o.source, options));
  const piper::VoiceConfig& c = voice.config;
  std::printf("installed piper-%s: %s, %s quality, %d speaker%s, %d Hz (sha256 %s)\n",
              voice.name.c_str(), c.language.Bcp47().c_str(),
              c.quality.empty() ? "unknown" : c.quality.c_str(), c.num_speakers,
              c.num_speakers == 1 ? "" : "s", c.sample_rate, voice.sha256.c_str());
  std::printf("dataset: %s\n", c.dataset.empty() ? "(not stated)" : c.dataset.c_str());
  std::printf("license: %s\n", c.license.empty() ? "(not stated: check where the voice came from)"
                                                 : c.license.c_str());
  return {};
}

Status RunRemove(const ModelsOptions& o) {
  VOX_RETURN_IF_ERROR(piper::RemoveVoice(o.dir(), o.name));
  std::printf("removed piper-%s\n", o.name.c_str());
  return {};
}

void AddDirectoryOptions(CLI::App* cmd, ModelsOptions& o) {
  AddModelDirOptions(cmd, o.models, o.data_dir);
}

}  // namespace

void AddModelsCommand(CLI::App& app) {
  auto o = std::make_shared<ModelsOptions>();
  CLI::App* models = app.add_subcommand(
      "models", "Manage the Piper voices of the model directory and every voice's versions.");
  models->require_subcommand(1);

  CLI::App* list = models->add_subcommand(
      "list", "List the voices (id, language, quality, speakers, sample rate).");
  AddDirectoryOptions(list, *o);
  list->add_flag("--json", o->json, "Print JSON, with the files that could not be offered");
  list->callback([o] { ExitOnError("models list", RunList(*o)); });

  CLI::App* add = models->add_subcommand(
      "add", "Install NAME.onnx and NAME.onnx.json (beside it) from a path or an http(s) URL.");
  AddDirectoryOptions(add, *o);
  add->add_option("source", o->source, "NAME.onnx file or URL")->required();
  add->add_option("--sha256", o->sha256,
                  "Expected sha256 of NAME.onnx (default: from NAME.onnx.sha256 beside it)");
  add->add_option("--max-bytes", o->max_bytes, "Refuse a larger model")->capture_default_str();
  add->add_flag("--replace", o->replace, "Replace an installed voice of the same name");
  add->callback([o] { ExitOnError("models add", RunAdd(*o)); });

  CLI::App* remove = models->add_subcommand("remove", "Remove voice NAME (piper-NAME).");
  AddDirectoryOptions(remove, *o);
  remove->add_option("name", o->name, "The voice's NAME")->required();
  remove->callback([o] { ExitOnError("models remove", RunRemove(*o)); });

  AddModelRolloutCommands(*models);
}

}  // namespace vox::cli
