// The operator table's vocabulary: what a kernel sees and how it is registered.
//
// Internal to src/onnx (includes ATen's Tensor). A factory runs once per node at load
// time: it reads and validates the node's attributes and returns the kernel, a small
// function of ATen calls with the attributes captured. Kernels compute fresh outputs and
// never write into an input (inputs may be constants shared by every thread). They throw
// OpError (or let c10::Error through) on bad data; the executor turns that into an Error
// naming the node.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onnx/tensor.h"

namespace onnx {
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace vox::onnx {

struct OpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Per-run state a kernel may use.
struct RunState {
  at::Generator generator;  // CPU: draws are the same whatever the device
  // Where the run's tensors live (LoadOptions::device): a tensor a kernel makes from
  // nothing (a shape, a range, a fill) is made there, so no kernel mixes devices.
  at::Device device = at::kCPU;
};

using Inputs = std::span<const at::Tensor>;  // an omitted optional input is undefined()
using Outputs = std::span<at::Tensor>;
using Kernel = std::function<void(RunState&, Inputs, Outputs)>;

struct OpDef {
  Kernel kernel;
  bool deterministic = true;  // false: random; never folded into a constant at load time
};

// A node as its factory sees it.
class NodeInfo {
 public:
  NodeInfo(const ::onnx::NodeProto& node, int opset);

  const ::onnx::NodeProto& proto() const { return node_; }
  int opset() const { return opset_; }
  int num_inputs() const;
  int num_outputs() const;

  bool Has(std::string_view name) const;
  int64_t Int(std::string_view name, int64_t fallback) const;
  float Float(std::string_view name, float fallback) const;
  std::string String(std::string_view name, std::string fallback) const;
  std::vector<int64_t> Ints(std::string_view name) const;  // empty when absent
  std::vector<float> Floats(std::string_view name) const;
  const ::onnx::TensorProto* TensorAttr(std::string_view name) const;  // null when absent

 private:
  const void* Find(std::string_view name) const;
  const ::onnx::NodeProto& node_;
  int opset_;
};

using OpFactory = OpDef (*)(const NodeInfo& node);
using OpTable = std::unordered_map<std::string, OpFactory>;

// The registry: every operator this runtime executes (default ONNX domain).
const OpTable& Operators();

// Families register themselves into the table (one file each).
void RegisterElementwiseOps(OpTable& table);
void RegisterShapeOps(OpTable& table);
void RegisterIndexOps(OpTable& table);
void RegisterReduceOps(OpTable& table);
void RegisterNnOps(OpTable& table);
void RegisterRandomOps(OpTable& table);

// --- helpers shared by kernels ---------------------------------------------------------

[[noreturn]] void Fail(std::string message);
// An exception's message; LibTorch's without its C++ backtrace.
std::string ErrorText(const std::exception& e);
// A negative axis counts from the end; out of [-rank, rank) fails.
int64_t NormalizeAxis(int64_t axis, int64_t rank);
// A 0-d or 1-d integer tensor's values.
std::vector<int64_t> ToInts(const at::Tensor& t);
bool Present(Inputs in, size_t i);
// ONNX TensorProto data type → ATen; fails on strings and other types we do not run.
c10::ScalarType ScalarTypeOf(int onnx_type);
// Host dtypes (tensor.h) and ATen's: one mapping, both ways.
c10::ScalarType ScalarTypeOf(DType dtype);
std::optional<DType> DTypeOf(c10::ScalarType type);
// A TensorProto (initializer, Constant, attribute) as an ATen tensor (owning its data).
at::Tensor FromTensorProto(const ::onnx::TensorProto& proto);

}  // namespace vox::onnx
