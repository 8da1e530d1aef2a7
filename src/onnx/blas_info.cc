#include "onnx/blas_info.h"
#include "onnx/model_impl.h"

#include <dlfcn.h>

#include <filesystem>

namespace vox::onnx::aten {

BlasInfo LoadedBlas() {
  // The library that provides sgemm_ to the process: the one LibTorch's calls bind to. (Both
  // libraries may be mapped: liblapack.so.3 pulls in OpenBLAS even beside the reference BLAS.)
  void* symbol = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (!symbol || !dladdr(symbol, &info) || !info.dli_fname) return {.name = "unknown", .path = {}};
  std::error_code ec;
  auto real = std::filesystem::canonical(info.dli_fname, ec);
  const std::string path = ec ? std::string(info.dli_fname) : real.string();
  const std::string base = std::filesystem::path(path).filename().string();
  if (path.find("openblas") != std::string::npos) return {"openblas", path};
  if (base.starts_with("libmkl")) return {"mkl", path};
  if (base.starts_with("libblis")) return {"blis", path};
  if (base.starts_with("libblas.so")) return {"reference", path};
  return {"unknown", path};
}

}  // namespace vox::onnx::aten
