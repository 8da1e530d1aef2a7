// Random operators. They draw from the run's own generator (RunOptions::seed), so runs are
// reproducible and independent of each other; a node's 'seed' attribute is ignored, as
// every run is seeded. Never folded into constants at load time.
#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

#include "onnx/op.h"

namespace vox::onnx {
namespace {

// The output type: the 'dtype' attribute when present, else `fallback`.
c10::ScalarType OutputType(const NodeInfo& node, c10::ScalarType fallback) {
  return node.Has("dtype") ? ScalarTypeOf(static_cast<int>(node.Int("dtype", 1))) : fallback;
}

template <bool kNormal, bool kLike>
OpDef RandomOp(const NodeInfo& node) {
  const double a = kNormal ? node.Float("mean", 0.0f) : node.Float("low", 0.0f);
  const double b = kNormal ? node.Float("scale", 1.0f) : node.Float("high", 1.0f);
  const bool has_dtype = node.Has("dtype");
  const auto dtype = OutputType(node, at::kFloat);
  const auto shape = node.Ints("shape");
  return OpDef{[=](RunState& state, Inputs in, Outputs out) {
                 const auto type = kLike && !has_dtype ? in[0].scalar_type() : dtype;
                 const std::vector<int64_t> sizes =
                     kLike ? std::vector<int64_t>(in[0].sizes().begin(), in[0].sizes().end())
                           : shape;
                 // Drawn in float32 (as PyTorch's randn) and cast, whatever the output type.
                 auto r = at::empty(sizes, at::kFloat);
                 if (kNormal) {
                   r.normal_(a, b, state.generator);
                 } else {
                   r.uniform_(a, b, state.generator);
                 }
                 out[0] = r.to(state.device, type);
               },
               /*deterministic=*/false};
}

}  // namespace

void RegisterRandomOps(OpTable& t) {
  t["RandomNormalLike"] = RandomOp<true, true>;
  t["RandomNormal"] = RandomOp<true, false>;
  t["RandomUniformLike"] = RandomOp<false, true>;
  t["RandomUniform"] = RandomOp<false, false>;
}

}  // namespace vox::onnx
