// The random-weight Piper voices the build generates (target onnx_piper_models,
// into VOX_PIPER_TESTDATA): installed into a model directory as a user installs
// a real voice, NAME.onnx beside NAME.onnx.json. A test target that includes
// this defines VOX_PIPER_TESTDATA and depends on onnx_piper_models.
#pragma once

#include <filesystem>
#include <string>

namespace vox::testing {

// Copies the generated voice `name` (e.g. "vox-test-medium", voice id
// piper-vox-test-medium) into `models`, creating it.
inline void InstallGeneratedVoice(const std::filesystem::path& models, const std::string& name) {
  namespace fs = std::filesystem;
  fs::create_directories(models);
  for (const std::string ext : {".onnx", ".onnx.json"}) {
    fs::copy_file(fs::path(VOX_PIPER_TESTDATA) / (name + ext), models / (name + ext),
                  fs::copy_options::overwrite_existing);
  }
}

}  // namespace vox::testing
