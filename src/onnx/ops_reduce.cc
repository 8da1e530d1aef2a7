// Reductions: ReduceSum/Mean/Max/Min/Prod/SumSquare/L2, ArgMax/ArgMin. Axes come from an
// input for ReduceSum from opset 13 (and for all from 18), from an attribute before;
// no axes reduce everything unless noop_with_empty_axes.
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "onnx/op.h"

namespace vox::onnx {
namespace {

enum class Reduce { kSum, kMean, kMax, kMin, kProd, kSumSquare, kL2 };

at::Tensor ReduceAll(const at::Tensor& x, Reduce kind, std::vector<int64_t> dims, bool keep) {
  if (dims.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d) dims.push_back(d);
  }
  if (x.dim() == 0) return x;
  switch (kind) {
    case Reduce::kSum:
      return at::sum(x, dims, keep, x.scalar_type());
    case Reduce::kMean:
      return at::mean(x, dims, keep);
    case Reduce::kMax:
      return at::amax(x, dims, keep);
    case Reduce::kMin:
      return at::amin(x, dims, keep);
    case Reduce::kSumSquare:
      return at::sum(x * x, dims, keep, x.scalar_type());
    case Reduce::kL2:
      return at::sqrt(at::sum(x * x, dims, keep));
    case Reduce::kProd: {
      at::Tensor y = x;
      std::sort(dims.rbegin(), dims.rend());  // highest first, so indices stay valid
      for (int64_t d : dims) y = at::prod(y, d, keep, x.scalar_type());
      return y;
    }
  }
  return x;
}

template <Reduce kKind>
OpDef ReduceOp(const NodeInfo& node) {
  const bool keep = node.Int("keepdims", 1) != 0;
  const bool noop_empty = node.Int("noop_with_empty_axes", 0) != 0;
  const bool axes_input = node.opset() >= 18 || (kKind == Reduce::kSum && node.opset() >= 13);
  const auto attr = node.Ints("axes");
  return {[=](RunState&, Inputs in, Outputs out) {
    const at::Tensor& x = in[0];
    std::vector<int64_t> axes =
        axes_input ? (Present(in, 1) ? ToInts(in[1]) : std::vector<int64_t>{}) : attr;
    if (axes.empty() && noop_empty) {
      out[0] = x;
      return;
    }
    for (auto& a : axes) a = NormalizeAxis(a, std::max<int64_t>(x.dim(), 1));
    out[0] = ReduceAll(x, kKind, axes, keep);
  }};
}

template <bool kMax>
OpDef ArgOp(const NodeInfo& node) {
  const int64_t axis = node.Int("axis", 0);
  const bool keep = node.Int("keepdims", 1) != 0;
  if (node.Int("select_last_index", 0)) Fail("ArgMax/ArgMin: select_last_index is not supported");
  return {[=](RunState&, Inputs in, Outputs out) {
    const int64_t a = NormalizeAxis(axis, in[0].dim());
    out[0] = kMax ? at::argmax(in[0], a, keep) : at::argmin(in[0], a, keep);
  }};
}

}  // namespace

void RegisterReduceOps(OpTable& t) {
  t["ReduceSum"] = ReduceOp<Reduce::kSum>;
  t["ReduceMean"] = ReduceOp<Reduce::kMean>;
  t["ReduceMax"] = ReduceOp<Reduce::kMax>;
  t["ReduceMin"] = ReduceOp<Reduce::kMin>;
  t["ReduceProd"] = ReduceOp<Reduce::kProd>;
  t["ReduceSumSquare"] = ReduceOp<Reduce::kSumSquare>;
  t["ReduceL2"] = ReduceOp<Reduce::kL2>;
  t["ArgMax"] = ArgOp<true>;
  t["ArgMin"] = ArgOp<false>;
}

}  // namespace vox::onnx
