#include "cli/engine_setup.h"

#include <spdlog/spdlog.h>

#include "neural/piper_engine.h"
#include "onnx/blas_info.h"
#include "piper/model_directory.h"

namespace vox::cli {

Result<std::unique_ptr<engines::EngineRegistry>> OpenEngines(const EngineSetup& setup) {
  std::vector<std::unique_ptr<engines::Engine>> extra;
  neural::PiperEngineConfig piper;
  piper.model_dir = piper::ModelDirFrom(setup.models_flag, setup.data_dir);
  piper.threads = setup.neural_threads;
  piper.device = setup.device;
  if (!piper.model_dir.empty()) {
    VOX_ASSIGN_OR_RETURN(auto engine, neural::PiperEngine::Create(piper));
    if (!engine->voices().empty()) {
      const onnx::BlasInfo blas = onnx::LoadedBlas();
      spdlog::info("piper: {} voice(s) in {}; BLAS: {} {}", engine->voices().size(),
                   piper.model_dir.string(), blas.name, blas.path);
      if (blas.slow()) {
        spdlog::warn(
            "the reference BLAS is loaded: neural voices run about 30x slower; "
            "install libopenblas0-pthread (scripts/install-deps.sh does)");
      }
      extra.push_back(std::move(engine));
    }
  }
  return engines::EngineRegistry::Create(setup.builtin, std::move(extra));
}

}  // namespace vox::cli
