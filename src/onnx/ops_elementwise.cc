// Element-wise operators: unary maps, binary arithmetic and comparisons (numpy
// broadcasting, which ATen shares), Where, Clip, Cast, activations, Softmax.
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <limits>
#include <optional>

#include "onnx/op.h"

namespace vox::onnx {
namespace {

using UnaryFn = at::Tensor (*)(const at::Tensor&);

template <UnaryFn F>
OpDef Unary(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) { out[0] = F(in[0]); }};
}

at::Tensor Identity(const at::Tensor& x) { return x; }
at::Tensor Relu(const at::Tensor& x) { return at::relu(x); }
at::Tensor Softplus(const at::Tensor& x) { return at::softplus(x); }
at::Tensor Reciprocal(const at::Tensor& x) { return at::reciprocal(x); }
at::Tensor Not(const at::Tensor& x) { return at::logical_not(x); }

using BinaryFn = at::Tensor (*)(const at::Tensor&, const at::Tensor&);

template <BinaryFn F>
OpDef Binary(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) { out[0] = F(in[0], in[1]); }};
}

at::Tensor Add(const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }
at::Tensor Sub(const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }
at::Tensor Mul(const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }
// ONNX integer division truncates toward zero (as C does).
at::Tensor Div(const at::Tensor& a, const at::Tensor& b) {
  if (at::isIntegralType(a.scalar_type(), /*includeBool=*/true)) return at::div(a, b, "trunc");
  return at::div(a, b);
}
// The result has the base's type whatever the exponent's.
at::Tensor Pow(const at::Tensor& a, const at::Tensor& b) {
  return at::pow(a, b).to(a.scalar_type());
}
at::Tensor Equal(const at::Tensor& a, const at::Tensor& b) { return at::eq(a, b); }
at::Tensor Less(const at::Tensor& a, const at::Tensor& b) { return at::lt(a, b); }
at::Tensor LessOrEqual(const at::Tensor& a, const at::Tensor& b) { return at::le(a, b); }
at::Tensor Greater(const at::Tensor& a, const at::Tensor& b) { return at::gt(a, b); }
at::Tensor GreaterOrEqual(const at::Tensor& a, const at::Tensor& b) { return at::ge(a, b); }
at::Tensor And(const at::Tensor& a, const at::Tensor& b) { return at::logical_and(a, b); }
at::Tensor Or(const at::Tensor& a, const at::Tensor& b) { return at::logical_or(a, b); }
at::Tensor Xor(const at::Tensor& a, const at::Tensor& b) { return at::logical_xor(a, b); }

OpDef Mod(const NodeInfo& node) {
  // fmod=1: the sign of the dividend (C fmod); fmod=0: the sign of the divisor (Python %).
  if (node.Int("fmod", 0)) {
    return {[](RunState&, Inputs in, Outputs out) { out[0] = at::fmod(in[0], in[1]); }};
  }
  return {[](RunState&, Inputs in, Outputs out) { out[0] = at::remainder(in[0], in[1]); }};
}

// Max, Min, Sum, Mean: one or more inputs, broadcast together.
template <BinaryFn F, bool kMean = false>
OpDef Variadic(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) {
    at::Tensor acc = in[0];
    for (size_t i = 1; i < in.size(); ++i) acc = F(acc, in[i]);
    if constexpr (kMean) acc = at::div(acc, static_cast<double>(in.size()));
    out[0] = acc;
  }};
}
at::Tensor Maximum(const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }
at::Tensor Minimum(const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }

OpDef LeakyRelu(const NodeInfo& node) {
  const double alpha = node.Float("alpha", 0.01f);
  return {[alpha](RunState&, Inputs in, Outputs out) { out[0] = at::leaky_relu(in[0], alpha); }};
}

OpDef Elu(const NodeInfo& node) {
  const double alpha = node.Float("alpha", 1.0f);
  return {[alpha](RunState&, Inputs in, Outputs out) { out[0] = at::elu(in[0], alpha); }};
}

// Softmax/LogSoftmax: from opset 13 along one axis (default -1); before, over the input
// coerced to 2-D at `axis` (default 1).
template <bool kLog>
OpDef SoftmaxOp(const NodeInfo& node) {
  const bool legacy = node.opset() < 13;
  const int64_t axis = node.Int("axis", legacy ? 1 : -1);
  return {[axis, legacy](RunState&, Inputs in, Outputs out) {
    const at::Tensor& x = in[0];
    const int64_t a = NormalizeAxis(axis, std::max<int64_t>(x.dim(), 1));
    if (!legacy) {
      out[0] = kLog ? at::log_softmax(x, a) : at::softmax(x, a);
      return;
    }
    int64_t inner = 1;
    for (int64_t d = a; d < x.dim(); ++d) inner *= x.size(d);
    auto flat = x.reshape({-1, std::max<int64_t>(inner, 1)});
    flat = kLog ? at::log_softmax(flat, 1) : at::softmax(flat, 1);
    out[0] = flat.reshape(x.sizes());
  }};
}

OpDef Where(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) {
    out[0] = at::where(in[0].to(at::kBool), in[1], in[2]);
  }};
}

// Clip: bounds from optional inputs (opset 11+) or attributes (before).
OpDef Clip(const NodeInfo& node) {
  std::optional<double> min_attr, max_attr;
  if (node.opset() < 11) {
    min_attr = node.Float("min", std::numeric_limits<float>::lowest());
    max_attr = node.Float("max", std::numeric_limits<float>::max());
  }
  return {[min_attr, max_attr](RunState&, Inputs in, Outputs out) {
    const at::Tensor& x = in[0];
    c10::optional<at::Scalar> lo, hi;  // LibTorch 1.13: c10::optional, not std::optional
    if (min_attr) lo = *min_attr;
    if (max_attr) hi = *max_attr;
    if (Present(in, 1)) lo = in[1].item();
    if (Present(in, 2)) hi = in[2].item();
    if (!lo && !hi) {
      out[0] = x;
      return;
    }
    out[0] = at::clamp(x, lo, hi);
  }};
}

OpDef Cast(const NodeInfo& node) {
  if (!node.Has("to")) Fail("Cast needs the 'to' attribute");
  const auto type = ScalarTypeOf(static_cast<int>(node.Int("to", 0)));
  return {[type](RunState&, Inputs in, Outputs out) { out[0] = in[0].to(type); }};
}

OpDef CastLike(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) { out[0] = in[0].to(in[1].scalar_type()); }};
}

}  // namespace

void RegisterElementwiseOps(OpTable& t) {
  t["Identity"] = Unary<Identity>;
  t["Abs"] = Unary<at::abs>;
  t["Neg"] = Unary<at::neg>;
  t["Exp"] = Unary<at::exp>;
  t["Log"] = Unary<at::log>;
  t["Sqrt"] = Unary<at::sqrt>;
  t["Erf"] = Unary<at::erf>;
  t["Tanh"] = Unary<at::tanh>;
  t["Sigmoid"] = Unary<at::sigmoid>;
  t["Relu"] = Unary<Relu>;
  t["Softplus"] = Unary<Softplus>;
  t["Ceil"] = Unary<at::ceil>;
  t["Floor"] = Unary<at::floor>;
  t["Round"] = Unary<at::round>;  // half to even, as ONNX specifies
  t["Sign"] = Unary<at::sign>;
  t["Reciprocal"] = Unary<Reciprocal>;
  t["Sin"] = Unary<at::sin>;
  t["Cos"] = Unary<at::cos>;
  t["Not"] = Unary<Not>;
  t["IsNaN"] = Unary<at::isnan>;
  t["Add"] = Binary<Add>;
  t["Sub"] = Binary<Sub>;
  t["Mul"] = Binary<Mul>;
  t["Div"] = Binary<Div>;
  t["Pow"] = Binary<Pow>;
  t["Equal"] = Binary<Equal>;
  t["Less"] = Binary<Less>;
  t["LessOrEqual"] = Binary<LessOrEqual>;
  t["Greater"] = Binary<Greater>;
  t["GreaterOrEqual"] = Binary<GreaterOrEqual>;
  t["And"] = Binary<And>;
  t["Or"] = Binary<Or>;
  t["Xor"] = Binary<Xor>;
  t["Mod"] = Mod;
  t["Max"] = Variadic<Maximum>;
  t["Min"] = Variadic<Minimum>;
  t["Sum"] = Variadic<Add>;
  t["Mean"] = Variadic<Add, true>;
  t["LeakyRelu"] = LeakyRelu;
  t["Elu"] = Elu;
  t["Softmax"] = SoftmaxOp<false>;
  t["LogSoftmax"] = SoftmaxOp<true>;
  t["Where"] = Where;
  t["Clip"] = Clip;
  t["Cast"] = Cast;
  t["CastLike"] = CastLike;
}

}  // namespace vox::onnx
