// The engines a command speaks with: flite and espeak-ng, plus the Piper
// voices of the model directory (`--models`, VOX_MODEL_DIR, else DATA/models)
// run by the neural engine. Shared by the servers, `vox synth` and `vox voices`.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "engines/engine_registry.h"

namespace vox::cli {

struct EngineSetup {
  engines::EnginesConfig builtin;
  std::string models_flag;  // --models; empty: VOX_MODEL_DIR, else data_dir/models
  std::string data_dir;
  int neural_threads = 0;      // VOX_NEURAL_THREADS (the servers derive it); 0: LibTorch's default
  std::string device = "cpu";  // VOX_DEVICE
  int batch_max = 1;           // VOX_BATCH_MAX: Piper phrases per graph run; 1 = off
  int batch_wait_ms = 5;       // VOX_BATCH_WAIT_MS
};

Result<std::unique_ptr<engines::EngineRegistry>> OpenEngines(const EngineSetup& setup);

// What a reload of the model directory changed (voice ids, sorted).
struct ModelsReload {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> replaced;  // same id, other files (a new version)
  size_t voices = 0;                  // every voice now served, built-in included

  nlohmann::json ToJson() const;
};

// Scans the model directory again and swaps the Piper voices of `engines`
// (SIGHUP, POST /v1/admin/models/reload): requests in progress finish on the
// voices they started with. A model that fails to load is logged and left
// out, as at start; an error changes nothing.
Result<ModelsReload> ReloadModels(engines::EngineRegistry& engines, const EngineSetup& setup);

}  // namespace vox::cli
