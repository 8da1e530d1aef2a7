// The runtime plugin's one exported symbol (runtime_loader.h).
#include "onnx/model_impl.h"
#include "onnx/runtime_loader.h"

extern "C" __attribute__((visibility("default"))) const vox::onnx::RuntimeApi* vox_onnx_runtime() {
  namespace aten = vox::onnx::aten;
  static const vox::onnx::RuntimeApi api{
      .abi = vox::onnx::kRuntimeAbi,
      .load_from_bytes = aten::LoadFromBytes,
      .check_device = aten::CheckDevice,
      .set_intra_op_threads = aten::SetIntraOpThreads,
      .intra_op_threads = aten::IntraOpThreads,
      .loaded_blas = aten::LoadedBlas,
  };
  return &api;
}
