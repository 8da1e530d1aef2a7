#include "cli/engine_setup.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <map>

#include "neural/piper_engine.h"
#include "onnx/host_allocator.h"
#include "piper/model_directory.h"

namespace vox::cli {
namespace {

// The Piper engine of the model directory, or nothing when it has no voices.
Result<std::vector<std::unique_ptr<engines::Engine>>> OpenModelEngines(const EngineSetup& setup) {
  std::vector<std::unique_ptr<engines::Engine>> extra;
  neural::PiperEngineConfig piper;
  piper.model_dir = piper::ModelDirFrom(setup.models_flag, setup.data_dir);
  piper.threads = setup.neural_threads;
  piper.device = setup.device;
  piper.batch = {.max_rows = setup.batch_max, .wait_ms = setup.batch_wait_ms};
  if (piper.model_dir.empty()) return extra;
  onnx::KeepLargeAllocationsOnTheHeap();  // before any run; voices may come with a reload
  VOX_ASSIGN_OR_RETURN(auto engine, neural::PiperEngine::Create(piper));
  if (engine->voices().empty()) return extra;
  // The runtime (and with it LibTorch and its BLAS, logged then) loads with the first graph.
  spdlog::info("piper: {} voice(s) in {}", engine->voices().size(), piper.model_dir.string());
  extra.push_back(std::move(engine));
  return extra;
}

// Voice id -> engine version (which files it was loaded from).
std::map<std::string, std::string> Versions(const engines::EngineRegistry& engines) {
  std::map<std::string, std::string> out;
  for (const auto& voice : engines.ListVoices()) out[voice.id] = voice.engine_version;
  return out;
}

}  // namespace

Result<std::unique_ptr<engines::EngineRegistry>> OpenEngines(const EngineSetup& setup) {
  VOX_ASSIGN_OR_RETURN(auto extra, OpenModelEngines(setup));
  return engines::EngineRegistry::Create(setup.builtin, std::move(extra));
}

nlohmann::json ModelsReload::ToJson() const {
  return {{"added", added}, {"removed", removed}, {"replaced", replaced}, {"voices", voices}};
}

Result<ModelsReload> ReloadModels(engines::EngineRegistry& engines, const EngineSetup& setup) {
  const auto before = Versions(engines);
  VOX_ASSIGN_OR_RETURN(auto extra, OpenModelEngines(setup));
  // Voices whose files did not change keep their loaded graphs.
  for (const auto& old_engine : engines.engines()) {
    auto* previous = dynamic_cast<neural::PiperEngine*>(old_engine.get());
    if (previous == nullptr) continue;
    for (auto& engine : extra) {
      if (auto* piper = dynamic_cast<neural::PiperEngine*>(engine.get())) {
        spdlog::info("piper: {} loaded graph(s) kept across the reload",
                     piper->AdoptGraphs(*previous));
      }
    }
  }
  VOX_RETURN_IF_ERROR(engines.ReplaceExtraEngines(std::move(extra)));
  const auto after = Versions(engines);
  ModelsReload report;
  report.voices = after.size();
  for (const auto& [id, version] : after) {
    const auto it = before.find(id);
    if (it == before.end()) {
      report.added.push_back(id);
    } else if (it->second != version) {
      report.replaced.push_back(id);
    }
  }
  for (const auto& [id, version] : before) {
    if (!after.contains(id)) report.removed.push_back(id);
  }
  spdlog::info("models reloaded: {} voice(s); added [{}], removed [{}], replaced [{}]",
               report.voices, fmt::join(report.added, ", "), fmt::join(report.removed, ", "),
               fmt::join(report.replaced, ", "));
  return report;
}

}  // namespace vox::cli
