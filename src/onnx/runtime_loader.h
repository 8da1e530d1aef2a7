// The ONNX runtime plugin: libvox_onnx_runtime.so holds the executor and its ATen kernels,
// and alone links LibTorch, libonnx and protobuf. Loading LibTorch costs every process that
// links it about a second of start-up and 160 MB of memory (its static initializers), which
// `vox --version`, the CLI's commands and servers without neural voices never need; so the
// process loads the plugin with dlopen on the first call that needs it (Model::Load,
// CheckDevice of a non-CPU device, IntraOpThreads, LoadedBlas), and never unloads it.
//
// Where it is looked for, first found wins:
//   1. VOX_ONNX_RUNTIME (a path to the file), when set;
//   2. beside the executable, then ../lib/vox/ from it (the images install it there);
//   3. the build tree it was built in (tests and `make serve`).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "onnx/blas_info.h"
#include "onnx/model.h"

namespace vox::onnx {

inline constexpr char kRuntimeFile[] = "libvox_onnx_runtime.so";
inline constexpr char kRuntimeEntry[] = "vox_onnx_runtime";
inline constexpr int kRuntimeAbi = 1;  // bump when RuntimeApi or the Model interface changes

// What the plugin's one exported function, extern "C" vox_onnx_runtime(), returns. Built
// with the same compiler and headers as the process (it is part of the same build): C++
// types cross the boundary as they are.
struct RuntimeApi {
  int abi = kRuntimeAbi;
  Result<std::shared_ptr<const Model>> (*load_from_bytes)(std::string_view bytes,
                                                          const LoadOptions& options) = nullptr;
  Status (*check_device)(const std::string& device) = nullptr;
  void (*set_intra_op_threads)(int n) = nullptr;
  int (*intra_op_threads)() = nullptr;
  BlasInfo (*loaded_blas)() = nullptr;
};

// The process's runtime: loaded on the first call, once; later calls return the same result
// (an error is kept too: kUnavailable naming every place tried and why).
Result<const RuntimeApi*> Runtime();
// Whether Runtime() has loaded it (without loading it).
bool RuntimeLoaded();

// Intra-op threads to set when the runtime loads (SetIntraOpThreads before it has).
void RememberIntraOpThreads(int n);

// Loads the plugin at `path` (for Runtime() and tests): kUnavailable when it does not load
// or is not a Vox runtime of this ABI.
Result<const RuntimeApi*> LoadRuntimeFrom(const std::string& path);

}  // namespace vox::onnx
