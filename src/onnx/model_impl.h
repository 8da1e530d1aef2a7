// The compiled graph behind the runtime plugin's Model (internal to src/onnx: the plugin).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "onnx/blas_info.h"
#include "onnx/model.h"
#include "onnx/op.h"

namespace vox::onnx {

// One node of the execution plan. Value ids index CompiledGraph's value table.
struct PlanStep {
  std::string name;  // node name (or "#index" when the file gives none), for errors
  std::string op_type;
  Kernel kernel;
  std::vector<int> inputs;   // -1 for an omitted optional input
  std::vector<int> outputs;  // -1 for an omitted optional output
  std::vector<int> release;  // values whose last consumer this step is: freed after it
};

struct CompiledGraph {
  at::Device device = at::kCPU;  // of every constant, input and intermediate (LoadOptions)
  int num_values = 0;
  std::vector<at::Tensor> constants;  // by value id; defined() for initializers and folded values
  std::vector<int> input_ids;         // graph inputs, in inputs() order
  std::vector<int> output_ids;        // graph outputs, in outputs() order
  std::vector<ValueInfo> inputs, outputs;
  std::vector<PlanStep> plan;
  std::unordered_map<std::string, int> value_ids;  // every named value
  std::vector<std::string> value_names;            // by value id
  std::vector<int> producer;  // by value id: the plan step computing it, -1 for none
  // Model::OutputsOf, worked out once at load: runs ask for it (Piper's taps).
  std::unordered_map<std::string, std::vector<std::string>> outputs_by_op;
  ModelStats stats;
};

// Builds the graph from the bytes of an .onnx file (graph_loader.cc).
Result<std::unique_ptr<CompiledGraph>> CompileModel(std::string_view bytes,
                                                    const LoadOptions& options);

// What the runtime plugin exports (runtime_entry.cc); model.h's functions of the same
// names forward to these.
namespace aten {
Result<std::shared_ptr<const Model>> LoadFromBytes(std::string_view bytes,
                                                   const LoadOptions& options);
Status CheckDevice(const std::string& device);
void SetIntraOpThreads(int n);
int IntraOpThreads();
BlasInfo LoadedBlas();  // blas_info.cc
}  // namespace aten

}  // namespace vox::onnx
