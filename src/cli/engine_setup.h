// The engines a command speaks with: flite and espeak-ng, plus the Piper
// voices of the model directory (`--models`, VOX_MODEL_DIR, else DATA/models)
// run by the neural engine. Shared by the servers, `vox synth` and `vox voices`.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "engines/engine_registry.h"

namespace vox::cli {

struct EngineSetup {
  engines::EnginesConfig builtin;
  std::string models_flag;  // --models; empty: VOX_MODEL_DIR, else data_dir/models
  std::string data_dir;
  int neural_threads = 0;      // VOX_NEURAL_THREADS; 0: LibTorch's default
  std::string device = "cpu";  // VOX_DEVICE
};

Result<std::unique_ptr<engines::EngineRegistry>> OpenEngines(const EngineSetup& setup);

}  // namespace vox::cli
