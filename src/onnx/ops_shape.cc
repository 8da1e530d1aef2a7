// Shape and layout operators: Shape, Size, Reshape, Transpose, (Un)Squeeze, Flatten,
// Concat, Split, Slice, Expand, Tile, Pad, ConstantOfShape, Constant, Range, Dropout.
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <limits>

#include "onnx/op.h"

namespace vox::onnx {
namespace {

at::Tensor LongVector(std::vector<int64_t> values, at::Device device = at::kCPU) {
  return at::tensor(values, at::TensorOptions().dtype(at::kLong)).to(device);
}

OpDef Shape(const NodeInfo& node) {
  const int64_t start = node.Int("start", 0);
  const int64_t end = node.Int("end", std::numeric_limits<int64_t>::max());
  return {[start, end](RunState& state, Inputs in, Outputs out) {
    const auto sizes = in[0].sizes();
    const int64_t rank = static_cast<int64_t>(sizes.size());
    auto clampi = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
    const int64_t s = clampi(start), e = std::max(clampi(end), clampi(start));
    out[0] = LongVector({sizes.begin() + s, sizes.begin() + e}, state.device);
  }};
}

OpDef Size(const NodeInfo&) {
  return {[](RunState& state, Inputs in, Outputs out) {
    out[0] = at::scalar_tensor(in[0].numel(), at::TensorOptions(at::kLong).device(state.device));
  }};
}

OpDef Reshape(const NodeInfo& node) {
  const bool allowzero = node.Int("allowzero", 0) != 0;
  return {[allowzero](RunState&, Inputs in, Outputs out) {
    auto shape = ToInts(in[1]);
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allowzero) {
        if (static_cast<int64_t>(i) >= in[0].dim()) Fail("Reshape: 0 copies a missing dimension");
        shape[i] = in[0].size(static_cast<int64_t>(i));
      }
    }
    out[0] = in[0].reshape(shape);
  }};
}

OpDef Transpose(const NodeInfo& node) {
  const auto perm = node.Ints("perm");
  return {[perm](RunState&, Inputs in, Outputs out) {
    std::vector<int64_t> p = perm;
    if (p.empty()) {
      for (int64_t d = in[0].dim() - 1; d >= 0; --d) p.push_back(d);
    }
    out[0] = in[0].permute(p);
  }};
}

OpDef Unsqueeze(const NodeInfo& node) {
  const int opset = node.opset();
  const auto attr = node.Ints("axes");
  return {[opset, attr](RunState&, Inputs in, Outputs out) {
    auto axes = opset >= 13 ? ToInts(in[1]) : attr;
    const int64_t rank = in[0].dim() + static_cast<int64_t>(axes.size());
    for (auto& a : axes) a = NormalizeAxis(a, rank);
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
      Fail("Unsqueeze: repeated axis");
    at::Tensor x = in[0];
    for (int64_t a : axes) x = x.unsqueeze(a);
    out[0] = x;
  }};
}

OpDef Squeeze(const NodeInfo& node) {
  const int opset = node.opset();
  const auto attr = node.Ints("axes");
  return {[opset, attr](RunState&, Inputs in, Outputs out) {
    std::vector<int64_t> axes =
        opset >= 13 ? (Present(in, 1) ? ToInts(in[1]) : std::vector<int64_t>{}) : attr;
    const at::Tensor& x = in[0];
    if (axes.empty()) {
      for (int64_t d = 0; d < x.dim(); ++d) {
        if (x.size(d) == 1) axes.push_back(d);
      }
    }
    std::vector<int64_t> shape;
    std::vector<bool> drop(x.dim(), false);
    for (int64_t a : axes) {
      a = NormalizeAxis(a, x.dim());
      if (x.size(a) != 1) Fail(fmt::format("Squeeze: dimension {} has size {}", a, x.size(a)));
      drop[a] = true;
    }
    for (int64_t d = 0; d < x.dim(); ++d) {
      if (!drop[d]) shape.push_back(x.size(d));
    }
    out[0] = x.reshape(shape);
  }};
}

OpDef Flatten(const NodeInfo& node) {
  const int64_t axis = node.Int("axis", 1);
  return {[axis](RunState&, Inputs in, Outputs out) {
    const at::Tensor& x = in[0];
    const int64_t a = axis < 0 ? axis + x.dim() : axis;
    if (a < 0 || a > x.dim()) Fail("Flatten: axis out of range");
    int64_t outer = 1;
    for (int64_t d = 0; d < a; ++d) outer *= x.size(d);
    int64_t inner = 1;
    for (int64_t d = a; d < x.dim(); ++d) inner *= x.size(d);
    out[0] = x.reshape({outer, inner});
  }};
}

OpDef Concat(const NodeInfo& node) {
  if (!node.Has("axis")) Fail("Concat needs the 'axis' attribute");
  const int64_t axis = node.Int("axis", 0);
  return {[axis](RunState&, Inputs in, Outputs out) {
    std::vector<at::Tensor> parts(in.begin(), in.end());
    out[0] = at::cat(parts, NormalizeAxis(axis, parts.at(0).dim()));
  }};
}

OpDef Split(const NodeInfo& node) {
  const int64_t axis = node.Int("axis", 0);
  const auto attr = node.Ints("split");
  const int opset = node.opset();
  return {[axis, attr, opset](RunState&, Inputs in, Outputs out) {
    const at::Tensor& x = in[0];
    const int64_t a = NormalizeAxis(axis, x.dim());
    std::vector<int64_t> sizes = opset >= 13 ? ToInts(Present(in, 1) ? in[1] : at::Tensor()) : attr;
    const int64_t n = static_cast<int64_t>(out.size());
    if (sizes.empty()) {
      // Equal parts; the last one smaller when the dimension does not divide evenly.
      const int64_t part = (x.size(a) + n - 1) / n;
      for (int64_t i = 0; i < n; ++i) {
        sizes.push_back(std::max<int64_t>(0, std::min(part, x.size(a) - i * part)));
      }
    }
    if (static_cast<int64_t>(sizes.size()) != n) Fail("Split: sizes do not match the outputs");
    auto parts = at::split_with_sizes(x, sizes, a);
    for (int64_t i = 0; i < n; ++i) out[i] = parts[i];
  }};
}

// ONNX Slice: negative starts/ends count from the end; they are clamped to the dimension
// ([0, dim] for a positive step, [-1, dim-1] for a negative one); steps may be negative.
at::Tensor SliceAxis(const at::Tensor& x, int64_t axis, int64_t start, int64_t end, int64_t step) {
  if (step == 0) Fail("Slice: a step of 0");
  const int64_t dim = x.size(axis);
  if (start < 0) start += dim;  // no overflow: dim >= 0
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    if (end <= start) return x.narrow(axis, 0, 0);
    return x.slice(axis, start, end, step);
  }
  if (dim == 0) return x;
  start = std::clamp<int64_t>(start, 0, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  if (start <= end) return x.narrow(axis, 0, 0);
  auto index = at::arange(start, end, step, at::TensorOptions(at::kLong).device(x.device()));
  return x.index_select(axis, index);
}

OpDef Slice(const NodeInfo& node) {
  const int opset = node.opset();
  const auto a_starts = node.Ints("starts"), a_ends = node.Ints("ends"), a_axes = node.Ints("axes");
  return {[=](RunState&, Inputs in, Outputs out) {
    at::Tensor x = in[0];
    std::vector<int64_t> starts = opset >= 10 ? ToInts(in[1]) : a_starts;
    std::vector<int64_t> ends = opset >= 10 ? ToInts(in[2]) : a_ends;
    std::vector<int64_t> axes =
        opset >= 10 ? ToInts(Present(in, 3) ? in[3] : at::Tensor()) : a_axes;
    std::vector<int64_t> steps =
        opset >= 10 ? ToInts(Present(in, 4) ? in[4] : at::Tensor()) : std::vector<int64_t>{};
    if (starts.size() != ends.size()) Fail("Slice: starts and ends differ in length");
    if (axes.empty()) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (axes.size() != starts.size() || steps.size() != starts.size()) {
      Fail("Slice: axes/steps differ in length from starts");
    }
    for (size_t i = 0; i < starts.size(); ++i) {
      x = SliceAxis(x, NormalizeAxis(axes[i], x.dim()), starts[i], ends[i], steps[i]);
    }
    out[0] = x;
  }};
}

OpDef Expand(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) {
    const auto shape = ToInts(in[1]);
    const auto target = at::infer_size(in[0].sizes(), shape);  // numpy broadcasting
    out[0] = in[0].expand(target);
  }};
}

OpDef Tile(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) {
    const auto repeats = ToInts(in[1]);
    if (static_cast<int64_t>(repeats.size()) != in[0].dim()) Fail("Tile: repeats must match rank");
    out[0] = in[0].repeat(repeats);
  }};
}

// Index of the source element for output position i of a padded axis of size n.
int64_t PadSource(int64_t i, int64_t n, const std::string& mode) {
  if (mode == "edge") return std::clamp<int64_t>(i, 0, n - 1);
  if (mode == "wrap") return ((i % n) + n) % n;
  // reflect (mirror without repeating the edge), folded as often as needed
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  int64_t m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

OpDef Pad(const NodeInfo& node) {
  const std::string mode = node.String("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap") {
    Fail(fmt::format("Pad: unknown mode '{}'", mode));
  }
  const int opset = node.opset();
  const auto attr_pads = node.Ints("pads");
  const float attr_value = node.Float("value", 0.0f);
  return {[=](RunState&, Inputs in, Outputs out) {
    at::Tensor x = in[0];
    const int64_t rank = x.dim();
    const auto given = opset >= 11 ? ToInts(in[1]) : attr_pads;
    std::vector<int64_t> axes;
    if (Present(in, 3)) {
      for (int64_t a : ToInts(in[3])) axes.push_back(NormalizeAxis(a, rank));
    } else {
      for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
    }
    const size_t k = axes.size();
    if (given.size() != 2 * k) Fail(fmt::format("Pad: {} pads for {} axes", given.size(), k));
    std::vector<int64_t> begin(rank, 0), end(rank, 0);
    for (size_t i = 0; i < k; ++i) {
      begin[axes[i]] = given[i];
      end[axes[i]] = given[i + k];
    }
    if (mode == "constant") {
      at::Scalar value = attr_value;
      if (opset >= 11 && Present(in, 2) && in[2].numel() > 0) value = in[2].item();
      std::vector<int64_t> torch_pads;  // last dimension first, (begin, end) pairs
      for (int64_t d = rank - 1; d >= 0; --d) {
        torch_pads.push_back(begin[d]);
        torch_pads.push_back(end[d]);
      }
      out[0] = at::constant_pad_nd(x, torch_pads, value);
      return;
    }
    for (int64_t d = 0; d < rank; ++d) {
      // Negative pads crop first; then each padded axis gathers its mirrored/edge indices.
      const int64_t crop_b = std::max<int64_t>(0, -begin[d]),
                    crop_e = std::max<int64_t>(0, -end[d]);
      if (crop_b || crop_e) x = x.narrow(d, crop_b, x.size(d) - crop_b - crop_e);
      const int64_t pb = std::max<int64_t>(0, begin[d]), pe = std::max<int64_t>(0, end[d]);
      if (!pb && !pe) continue;
      const int64_t n = x.size(d);
      if (n == 0) Fail("Pad: cannot pad an empty axis in mode " + mode);
      std::vector<int64_t> index;
      for (int64_t i = -pb; i < n + pe; ++i) index.push_back(PadSource(i, n, mode));
      x = x.index_select(d, LongVector(index, x.device()));
    }
    out[0] = x;
  }};
}

OpDef ConstantOfShape(const NodeInfo& node) {
  at::Tensor value = at::zeros({1}, at::kFloat);
  if (const auto* t = node.TensorAttr("value")) value = FromTensorProto(*t);
  if (value.numel() != 1) Fail("ConstantOfShape: 'value' must hold one element");
  return {[value](RunState& state, Inputs in, Outputs out) {
    out[0] =
        at::full(ToInts(in[0]), value.reshape({}).item(), value.options().device(state.device));
  }};
}

OpDef Constant(const NodeInfo& node) {
  at::Tensor value;
  if (const auto* t = node.TensorAttr("value")) {
    value = FromTensorProto(*t);
  } else if (node.Has("value_float")) {
    value = at::scalar_tensor(node.Float("value_float", 0), at::kFloat);
  } else if (node.Has("value_int")) {
    value = at::scalar_tensor(node.Int("value_int", 0), at::kLong);
  } else if (node.Has("value_floats")) {
    auto v = node.Floats("value_floats");
    value = at::tensor(v, at::TensorOptions().dtype(at::kFloat));
  } else if (node.Has("value_ints")) {
    value = LongVector(node.Ints("value_ints"));
  } else {
    Fail("Constant: no supported value attribute (strings and sparse tensors are not)");
  }
  return {[value](RunState& state, Inputs, Outputs out) { out[0] = value.to(state.device); }};
}

// Range: start + i * delta for i in [0, max(ceil((limit - start) / delta), 0)).
OpDef Range(const NodeInfo&) {
  return {[](RunState& state, Inputs in, Outputs out) {
    const auto type = in[0].scalar_type();
    const auto longs = at::TensorOptions(at::kLong).device(state.device);
    if (at::isIntegralType(type, false)) {
      const int64_t start = in[0].item<int64_t>(), limit = in[1].item<int64_t>(),
                    delta = in[2].item<int64_t>();
      if (delta == 0) Fail("Range: a delta of 0");
      const int64_t span = limit - start;
      int64_t count = span / delta + ((span % delta != 0) && ((span < 0) == (delta < 0)) ? 1 : 0);
      count = std::max<int64_t>(count, 0);
      out[0] = (at::arange(count, longs) * delta + start).to(type);
      return;
    }
    const double start = in[0].item<double>(), limit = in[1].item<double>(),
                 delta = in[2].item<double>();
    if (delta == 0) Fail("Range: a delta of 0");
    const auto count = static_cast<int64_t>(std::max(std::ceil((limit - start) / delta), 0.0));
    out[0] = at::arange(count, longs.dtype(type)) * in[2] + in[0];
  }};
}

// Inference: Dropout passes its input through (and a mask of ones when asked for).
OpDef Dropout(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) {
    out[0] = in[0];
    if (out.size() > 1) out[1] = at::ones(in[0].sizes(), in[0].options().dtype(at::kBool));
  }};
}

}  // namespace

void RegisterShapeOps(OpTable& t) {
  t["Shape"] = Shape;
  t["Size"] = Size;
  t["Reshape"] = Reshape;
  t["Transpose"] = Transpose;
  t["Unsqueeze"] = Unsqueeze;
  t["Squeeze"] = Squeeze;
  t["Flatten"] = Flatten;
  t["Concat"] = Concat;
  t["Split"] = Split;
  t["Slice"] = Slice;
  t["Expand"] = Expand;
  t["Tile"] = Tile;
  t["Pad"] = Pad;
  t["ConstantOfShape"] = ConstantOfShape;
  t["Constant"] = Constant;
  t["Range"] = Range;
  t["Dropout"] = Dropout;
}

}  // namespace vox::onnx
