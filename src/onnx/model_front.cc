// Model's static side, CheckDevice, the thread setting and LoadedBlas: the part of the module
// linked into the process, free of LibTorch. Each forwards to the runtime plugin
// (runtime_loader.h), loading it on first use.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "onnx/blas_info.h"
#include "onnx/model.h"
#include "onnx/runtime_loader.h"

namespace vox::onnx {

Result<std::shared_ptr<const Model>> Model::Load(const std::string& path,
                                                 const LoadOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound(fmt::format("cannot read model '{}': {}", path, ec.message()));
  if (size > options.max_file_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     fmt::format("model '{}' is {} bytes, over the limit of {}", path, size,
                                 options.max_file_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return Unavailable(fmt::format("cannot read model '{}'", path));
  }
  auto model = LoadFromBytes(bytes, options);
  if (!model) {
    auto error = model.error();
    error.message = fmt::format("{}: {}", path, error.message);
    return std::unexpected(std::move(error));
  }
  return model;
}

Result<std::shared_ptr<const Model>> Model::LoadFromBytes(std::string_view bytes,
                                                          const LoadOptions& options) {
  if (bytes.size() > options.max_file_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "model is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                         std::to_string(options.max_file_bytes));
  }
  VOX_ASSIGN_OR_RETURN(const RuntimeApi* api, Runtime());
  return api->load_from_bytes(bytes, options);
}

Status CheckDevice(const std::string& device) {
  if (device == "cpu") return {};
  VOX_ASSIGN_OR_RETURN(const RuntimeApi* api, Runtime());
  return api->check_device(device);
}

void SetIntraOpThreads(int n) {
  if (n <= 0) return;
  RememberIntraOpThreads(n);
  if (RuntimeLoaded()) (*Runtime())->set_intra_op_threads(n);
}

int IntraOpThreads() {
  auto api = Runtime();
  return api ? (*api)->intra_op_threads() : 0;
}

BlasInfo LoadedBlas() {
  auto api = Runtime();
  return api ? (*api)->loaded_blas() : BlasInfo{.name = "unknown", .path = {}};
}


}  // namespace vox::onnx
