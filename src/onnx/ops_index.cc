// Indexing operators: Gather, GatherElements, GatherND, ScatterND, ScatterElements,
// NonZero, CumSum. Negative indices count from the end of their axis, as ONNX allows.
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "onnx/op.h"

namespace vox::onnx {
namespace {

at::Tensor WrapNegative(const at::Tensor& index, int64_t dim) {
  auto i = index.to(at::kLong);
  return at::where(i < 0, i + dim, i);
}

OpDef Gather(const NodeInfo& node) {
  const int64_t axis = node.Int("axis", 0);
  return {[axis](RunState&, Inputs in, Outputs out) {
    const at::Tensor& data = in[0];
    const int64_t a = NormalizeAxis(axis, data.dim());
    const auto index = WrapNegative(in[1], data.size(a));
    // data.shape[:a] + index.shape + data.shape[a+1:]
    std::vector<int64_t> shape(data.sizes().begin(), data.sizes().begin() + a);
    shape.insert(shape.end(), index.sizes().begin(), index.sizes().end());
    shape.insert(shape.end(), data.sizes().begin() + a + 1, data.sizes().end());
    out[0] = data.index_select(a, index.reshape({-1})).reshape(shape);
  }};
}

OpDef GatherElements(const NodeInfo& node) {
  const int64_t axis = node.Int("axis", 0);
  return {[axis](RunState&, Inputs in, Outputs out) {
    const int64_t a = NormalizeAxis(axis, in[0].dim());
    out[0] = at::gather(in[0], a, WrapNegative(in[1], in[0].size(a)));
  }};
}

// The index tensors of the first k axes (after `batch` leading batch axes) that ND
// indices [..., k] address, ready for advanced indexing.
c10::List<c10::optional<at::Tensor>> NdIndex(const at::Tensor& data, const at::Tensor& indices,
                                             int64_t batch) {
  const int64_t k = indices.size(-1);
  if (batch + k > data.dim()) Fail("ND indices address more axes than the data has");
  c10::List<c10::optional<at::Tensor>> list;
  auto idx = indices.to(at::kLong);
  for (int64_t b = 0; b < batch; ++b) {
    // batch axis b: its own position, broadcast against the index tensors
    std::vector<int64_t> view(idx.dim() - 1, 1);
    view[b] = data.size(b);
    list.push_back(at::arange(data.size(b), data.options().dtype(at::kLong)).view(view));
  }
  for (int64_t j = 0; j < k; ++j) {
    list.push_back(WrapNegative(idx.select(-1, j), data.size(batch + j)));
  }
  return list;
}

OpDef GatherND(const NodeInfo& node) {
  const int64_t batch = node.Int("batch_dims", 0);
  return {[batch](RunState&, Inputs in, Outputs out) {
    out[0] = in[0].index(NdIndex(in[0], in[1], batch));
  }};
}

OpDef ScatterND(const NodeInfo& node) {
  const std::string reduction = node.String("reduction", "none");
  if (reduction != "none" && reduction != "add") {
    Fail(fmt::format("ScatterND: reduction '{}' is not supported", reduction));
  }
  const bool add = reduction == "add";
  return {[add](RunState&, Inputs in, Outputs out) {
    auto result = in[0].clone();
    result.index_put_(NdIndex(result, in[1], 0), in[2].to(result.scalar_type()), add);
    out[0] = result;
  }};
}

OpDef ScatterElements(const NodeInfo& node) {
  const int64_t axis = node.Int("axis", 0);
  const std::string reduction = node.String("reduction", "none");
  if (reduction != "none" && reduction != "add") {
    Fail(fmt::format("ScatterElements: reduction '{}' is not supported", reduction));
  }
  const bool add = reduction == "add";
  return {[axis, add](RunState&, Inputs in, Outputs out) {
    const int64_t a = NormalizeAxis(axis, in[0].dim());
    const auto index = WrapNegative(in[1], in[0].size(a));
    out[0] = add ? at::scatter_add(in[0], a, index, in[2]) : at::scatter(in[0], a, index, in[2]);
  }};
}

// [rank, count] indices of the non-zero elements, in row-major order.
OpDef NonZero(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) {
    const at::Tensor x = in[0].dim() == 0 ? in[0].reshape({1}) : in[0];
    auto nz = at::nonzero(x).t().contiguous();
    if (in[0].dim() == 0) nz = nz.narrow(0, 0, 0);
    out[0] = nz;
  }};
}

// CumSum along the axis input; exclusive leaves out the element itself, reverse sums
// from the end.
OpDef CumSum(const NodeInfo& node) {
  const bool exclusive = node.Int("exclusive", 0) != 0;
  const bool reverse = node.Int("reverse", 0) != 0;
  return {[exclusive, reverse](RunState&, Inputs in, Outputs out) {
    const auto axis_values = ToInts(in[1]);
    if (axis_values.size() != 1) Fail("CumSum: the axis must be one value");
    at::Tensor x = in[0];
    const int64_t a = NormalizeAxis(axis_values[0], std::max<int64_t>(x.dim(), 1));
    if (reverse) x = x.flip(a);
    auto y = at::cumsum(x, a, x.scalar_type());
    if (exclusive && y.size(a) > 0) {
      y = at::cat({at::zeros_like(y.narrow(a, 0, 1)), y.narrow(a, 0, y.size(a) - 1)}, a);
    }
    if (reverse) y = y.flip(a);
    out[0] = y;
  }};
}

}  // namespace

void RegisterIndexOps(OpTable& t) {
  t["Gather"] = Gather;
  t["GatherElements"] = GatherElements;
  t["GatherND"] = GatherND;
  t["ScatterND"] = ScatterND;
  t["ScatterElements"] = ScatterElements;
  t["Scatter"] = ScatterElements;  // opset < 11 name of the same operator
  t["NonZero"] = NonZero;
  t["CumSum"] = CumSum;
}

}  // namespace vox::onnx
