// Which BLAS library the process loaded, for start-up logs and benchmark output.
//
// Debian's LibTorch calls libblas.so.3, an alternative that is either the reference
// implementation (a fresh Debian: about 30 times slower matrix products) or OpenBLAS
// (libopenblas0-pthread). Only the loaded mapping tells which one a process really uses.
#pragma once

#include <string>

namespace vox::onnx {

struct BlasInfo {
  std::string name;  // "openblas", "reference", "mkl", "blis", or "unknown"
  std::string path;  // the library file mapped into this process, when found
  bool slow() const { return name == "reference"; }
};

// Asks the dynamic linker which library provides sgemm_ to LibTorch (loading the runtime
// plugin, runtime_loader.h, when it is not yet: "unknown" when it cannot be).
BlasInfo LoadedBlas();

}  // namespace vox::onnx
