#include "onnx/runtime_loader.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace vox::onnx {
namespace {

std::atomic<bool> loaded{false};
std::atomic<int> pending_threads{0};  // RememberIntraOpThreads: applied when it loads

// Where the plugin may be, in order; `explicit_choice`: VOX_ONNX_RUNTIME names the one path.
std::vector<std::string> Candidates(bool& explicit_choice) {
  if (const char* given = std::getenv("VOX_ONNX_RUNTIME"); given && *given) {
    explicit_choice = true;
    return {given};
  }
  explicit_choice = false;
  std::vector<std::string> paths;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    paths.push_back((exe.parent_path() / kRuntimeFile).string());
    paths.push_back((exe.parent_path() / ".." / "lib" / "vox" / kRuntimeFile).string());
  }
  paths.push_back(VOX_ONNX_RUNTIME_BUILD_PATH);
  return paths;
}

Result<const RuntimeApi*> LoadOnce() {
  bool explicit_choice = false;
  std::string tried;
  for (const std::string& path : Candidates(explicit_choice)) {
    std::error_code ec;
    if (!explicit_choice && !std::filesystem::exists(path, ec)) continue;
    auto api = LoadRuntimeFrom(path);
    if (api) {
      if (const int n = pending_threads.load(); n > 0) (*api)->set_intra_op_threads(n);
      loaded = true;
      const BlasInfo blas = (*api)->loaded_blas();
      spdlog::info("neural runtime loaded: {}; BLAS: {} {}", path, blas.name, blas.path);
      if (blas.slow()) {
        spdlog::warn(
            "the reference BLAS is loaded: neural voices run about 30x slower; "
            "install libopenblas0-pthread (scripts/install-deps.sh does)");
      }
      return api;
    }
    tried += (tried.empty() ? "" : "; ") + api.error().message;
  }
  return Unavailable("the neural runtime (" + std::string(kRuntimeFile) +
                     ") could not be loaded: " + (tried.empty() ? "not found" : tried) +
                     "; set VOX_ONNX_RUNTIME to its path");
}

}  // namespace

Result<const RuntimeApi*> LoadRuntimeFrom(const std::string& path) {
  // RTLD_GLOBAL: LibTorch's own libraries (BLAS) must be visible to LoadedBlas's lookup.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Unavailable(path + ": " + (why ? why : "dlopen failed"));
  }
  using Entry = const RuntimeApi* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, kRuntimeEntry));
  const RuntimeApi* api = entry ? entry() : nullptr;
  if (api == nullptr || api->abi != kRuntimeAbi || !api->load_from_bytes) {
    dlclose(handle);
    return Unavailable(path + ": not a Vox neural runtime of this build (ABI " +
                       std::to_string(kRuntimeAbi) + ")");
  }
  return api;  // never unloaded: models and their code live until the process ends
}

Result<const RuntimeApi*> Runtime() {
  static const Result<const RuntimeApi*> runtime = LoadOnce();
  return runtime;
}

bool RuntimeLoaded() { return loaded.load(); }

void RememberIntraOpThreads(int n) { pending_threads = n; }

}  // namespace vox::onnx
