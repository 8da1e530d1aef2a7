// An ONNX model executed with ATen (LibTorch) kernels, in a plugin loaded on first use.
//
// Load() parses and checks the file (libonnx), refuses operators it cannot run (naming the
// node), folds constant subgraphs and plans the execution order once. The loaded Model is
// immutable: any number of threads may call Run() on one Model at once, with no lock. All
// per-run state (intermediate tensors, the random generator) lives inside each Run() call.
//
//   VOX_ASSIGN_OR_RETURN(auto model, onnx::Model::Load(path, {}));
//   VOX_ASSIGN_OR_RETURN(auto outputs, model->Run({{"input", ids}, ...}, {.seed = 7}));
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "onnx/tensor.h"

namespace vox::onnx {

struct LoadOptions {
  // Files larger than this are refused before they are read (kResourceExhausted).
  uint64_t max_file_bytes = uint64_t{1} << 30;
  // Run libonnx's model checker (structure, types, operator schemas).
  bool check = true;
  // Where the weights live and runs compute (VOX_DEVICE): "cpu", "cuda" or "cuda:N".
  // CUDA needs a LibTorch built with it (the GPU image's); here it is a load error.
  std::string device = "cpu";
};

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

struct RunOptions {
  // Seeds this run's random generator (RandomNormalLike, ...): equal seeds, equal results.
  uint64_t seed = 0;
  // When set, receives the seconds spent per operator type in this run (added to what it
  // holds): where the time goes, for benchmarks. Costs two clock reads per node.
  std::map<std::string, double>* op_seconds = nullptr;
  // The same per node, by node name ("#index" for a node the file leaves unnamed): which
  // part of a graph takes the time (a Piper export names its vocoder's nodes "/dec/...").
  std::map<std::string, double>* node_seconds = nullptr;
  // Intermediate values to return too, after the graph's outputs and in this
  // order (names from OutputsOf): what a graph computes on the way, e.g. the
  // durations a Piper voice gives its phonemes.
  std::vector<std::string> taps;
  // false: the graph's outputs are neither computed nor returned, only the taps, and only
  // the nodes the taps need run (e.g. a Piper graph up to its vocoder's input).
  bool outputs = true;
  // Intermediate values given instead of computed, by name (on the model's device, as the
  // graph would compute them: nothing checks their type or shape before the kernels do).
  // Nodes needed only to compute them do not run: e.g. a Piper graph's vocoder alone, on a
  // window of its input. Graph inputs must still all be bound.
  NamedTensors given;
};

struct ValueInfo {
  std::string name;
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;  // -1 where the dimension is dynamic
};

struct ModelStats {
  int nodes = 0;                      // nodes in the file
  int folded_nodes = 0;               // computed once at load time (all inputs constant)
  int run_nodes = 0;                  // nodes each Run() executes
  std::vector<std::string> op_types;  // distinct operator types in the file, sorted
};

// A loaded graph. The implementation (ATen kernels) lives in the runtime plugin,
// libvox_onnx_runtime.so (runtime_loader.h): LibTorch is loaded with it, on the first
// Load or LoadFromBytes, never by a process that runs no neural voice.
class Model {
 public:
  // Errors: kNotFound (no file), kResourceExhausted (over max_file_bytes), kInvalidArgument
  // (not a valid ONNX model, an unsupported operator: the message names it and the node),
  // kUnavailable (the runtime plugin cannot be loaded: the message says why).
  static Result<std::shared_ptr<const Model>> Load(const std::string& path,
                                                   const LoadOptions& options);
  static Result<std::shared_ptr<const Model>> LoadFromBytes(std::string_view bytes,
                                                            const LoadOptions& options);
  virtual ~Model() = default;

  virtual const std::vector<ValueInfo>& inputs() const = 0;
  virtual const std::vector<ValueInfo>& outputs() const = 0;
  virtual const ModelStats& stats() const = 0;
  // The values computed by the nodes of one operator type, in execution order.
  virtual std::vector<std::string> OutputsOf(std::string_view op_type) const = 0;

  // The nodes each Run() executes, in execution order (folded ones are not among them),
  // with the names of the values they read ("" for an omitted input) and write: for
  // callers that find a part of a graph by its structure.
  struct NodeView {
    std::string name, op_type;
    std::vector<std::string> inputs, outputs;
  };
  virtual std::vector<NodeView> Nodes() const = 0;

  // Runs the graph on the named inputs (every graph input, nothing else) and returns the
  // graph's outputs in order (unless options.outputs is false), then the taps. Thread-safe.
  // Errors: kInvalidArgument for a missing, unknown or ill-typed input, an unknown tap or a
  // given value the graph does not compute; kInternal when a kernel fails (names the node).
  virtual Result<std::vector<Tensor>> Run(const NamedTensors& inputs,
                                          const RunOptions& options) const = 0;
};

// Whether `device` ("cpu", "cuda", "cuda:N") names a device this process can run on:
// kInvalidArgument for a malformed name, kUnprocessable for CUDA without CUDA (LibTorch
// built without it, or no GPU). "cpu" is answered without loading the runtime.
Status CheckDevice(const std::string& device);

// Intra-op threads of every kernel (process-wide, LibTorch's pool): set once before the
// first Run(); kept until the runtime loads when it has not yet. n <= 0 leaves LibTorch's
// default (the number of cores). IntraOpThreads() loads the runtime (0 when it cannot).
void SetIntraOpThreads(int n);
int IntraOpThreads();

}  // namespace vox::onnx
