// Linear algebra and convolutions: MatMul, Gemm, Conv, ConvTranspose (any rank of
// spatial axes; asymmetric pads, auto_pad, dilations, groups, output_padding/output_shape).
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "onnx/op.h"

namespace vox::onnx {
namespace {

OpDef MatMul(const NodeInfo&) {
  return {[](RunState&, Inputs in, Outputs out) { out[0] = at::matmul(in[0], in[1]); }};
}

OpDef Gemm(const NodeInfo& node) {
  const double alpha = node.Float("alpha", 1.0f), beta = node.Float("beta", 1.0f);
  const bool trans_a = node.Int("transA", 0) != 0, trans_b = node.Int("transB", 0) != 0;
  return {[=](RunState&, Inputs in, Outputs out) {
    const auto a = trans_a ? in[0].t() : in[0];
    const auto b = trans_b ? in[1].t() : in[1];
    at::Tensor y = at::matmul(a, b);
    if (alpha != 1.0) y = y * alpha;
    if (Present(in, 2)) y = beta == 1.0 ? y + in[2] : y + in[2] * beta;
    out[0] = y;
  }};
}

// Attributes shared by Conv and ConvTranspose, resolved for a given number of spatial axes.
struct ConvAttrs {
  std::string auto_pad;
  std::vector<int64_t> dilations, strides, pads, kernel_shape, output_padding, output_shape;
  int64_t group = 1;

  explicit ConvAttrs(const NodeInfo& node)
      : auto_pad(node.String("auto_pad", "NOTSET")),
        dilations(node.Ints("dilations")),
        strides(node.Ints("strides")),
        pads(node.Ints("pads")),
        kernel_shape(node.Ints("kernel_shape")),
        output_padding(node.Ints("output_padding")),
        output_shape(node.Ints("output_shape")),
        group(node.Int("group", 1)) {
    if (auto_pad != "NOTSET" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" &&
        auto_pad != "VALID") {
      Fail(fmt::format("unknown auto_pad '{}'", auto_pad));
    }
    if (group < 1) Fail("group must be at least 1");
  }

  static std::vector<int64_t> OrFill(const std::vector<int64_t>& v, size_t n, int64_t fill) {
    if (v.empty()) return std::vector<int64_t>(n, fill);
    if (v.size() != n) Fail(fmt::format("an attribute has {} values for {} axes", v.size(), n));
    return v;
  }
};

OpDef Conv(const NodeInfo& node) {
  const ConvAttrs attrs(node);
  return {[attrs](RunState&, Inputs in, Outputs out) {
    at::Tensor x = in[0];
    const at::Tensor& w = in[1];
    const size_t n = static_cast<size_t>(x.dim() - 2);
    if (x.dim() < 3 || w.dim() != x.dim()) Fail("Conv: input and weight ranks do not fit");
    const auto dil = ConvAttrs::OrFill(attrs.dilations, n, 1);
    const auto str = ConvAttrs::OrFill(attrs.strides, n, 1);
    std::vector<int64_t> begin(n, 0), end(n, 0);
    if (attrs.auto_pad == "NOTSET") {
      const auto p = ConvAttrs::OrFill(attrs.pads, 2 * n, 0);
      for (size_t i = 0; i < n; ++i) begin[i] = p[i], end[i] = p[i + n];
    } else if (attrs.auto_pad != "VALID") {
      for (size_t i = 0; i < n; ++i) {
        const int64_t in_size = x.size(2 + i), k = (w.size(2 + i) - 1) * dil[i] + 1;
        const int64_t out_size = (in_size + str[i] - 1) / str[i];
        const int64_t total = std::max<int64_t>(0, (out_size - 1) * str[i] + k - in_size);
        begin[i] = attrs.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        end[i] = total - begin[i];
      }
    }
    // ATen pads symmetrically; an asymmetric remainder is padded explicitly first.
    std::vector<int64_t> sym(n), extra;
    bool asymmetric = false;
    for (size_t i = 0; i < n; ++i) {
      sym[i] = std::min(begin[i], end[i]);
      asymmetric |= begin[i] != end[i];
    }
    if (asymmetric) {
      for (size_t i = n; i-- > 0;) {
        extra.push_back(begin[i] - sym[i]);
        extra.push_back(end[i] - sym[i]);
      }
      x = at::constant_pad_nd(x, extra, 0);
    }
    const at::Tensor bias = Present(in, 2) ? in[2] : at::Tensor();
    out[0] =
        at::convolution(x, w, bias, str, sym, dil, false, std::vector<int64_t>(n, 0), attrs.group);
  }};
}

// ONNX: out = stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end.
OpDef ConvTranspose(const NodeInfo& node) {
  const ConvAttrs attrs(node);
  return {[attrs](RunState&, Inputs in, Outputs out) {
    const at::Tensor& x = in[0];
    const at::Tensor& w = in[1];
    const size_t n = static_cast<size_t>(x.dim() - 2);
    if (x.dim() < 3 || w.dim() != x.dim()) Fail("ConvTranspose: input and weight ranks do not fit");
    const auto dil = ConvAttrs::OrFill(attrs.dilations, n, 1);
    const auto str = ConvAttrs::OrFill(attrs.strides, n, 1);
    auto out_pad = ConvAttrs::OrFill(attrs.output_padding, n, 0);
    std::vector<int64_t> begin(n, 0), end(n, 0), full(n);
    for (size_t i = 0; i < n; ++i) {
      full[i] = str[i] * (x.size(2 + i) - 1) + (w.size(2 + i) - 1) * dil[i] + 1;
    }
    if (!attrs.output_shape.empty() || (attrs.auto_pad != "NOTSET" && attrs.auto_pad != "VALID")) {
      // Pads follow from the wanted output size (or from in * stride for SAME_*).
      std::vector<int64_t> target(n);
      for (size_t i = 0; i < n; ++i) {
        const size_t j = attrs.output_shape.size() - n + i;  // output_shape may list N and C too
        target[i] = attrs.output_shape.empty() ? x.size(2 + i) * str[i] : attrs.output_shape[j];
        const int64_t total = full[i] + out_pad[i] - target[i];
        begin[i] = attrs.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        end[i] = total - begin[i];
      }
    } else if (attrs.auto_pad == "NOTSET") {
      const auto p = ConvAttrs::OrFill(attrs.pads, 2 * n, 0);
      for (size_t i = 0; i < n; ++i) begin[i] = p[i], end[i] = p[i + n];
    }
    const at::Tensor bias = Present(in, 2) ? in[2] : at::Tensor();
    bool direct = true;
    for (size_t i = 0; i < n; ++i) {
      direct &= begin[i] == end[i] && begin[i] >= 0 && out_pad[i] < std::max(str[i], dil[i]);
    }
    if (direct) {  // what ATen does itself: symmetric pads, small output padding
      out[0] = at::convolution(x, w, bias, str, begin, dil, true, out_pad, attrs.group);
      return;
    }
    // General case: the full transposed convolution, then output padding and cropping.
    at::Tensor y = at::convolution(x, w, at::Tensor(), str, std::vector<int64_t>(n, 0), dil, true,
                                   std::vector<int64_t>(n, 0), attrs.group);
    std::vector<int64_t> torch_pads;  // last axis first: (-begin, end_pad - end)
    for (size_t i = n; i-- > 0;) {
      torch_pads.push_back(-begin[i]);
      torch_pads.push_back(out_pad[i] - end[i]);
    }
    y = at::constant_pad_nd(y, torch_pads, 0);
    if (bias.defined()) {
      std::vector<int64_t> view(y.dim(), 1);
      view[1] = bias.size(0);
      y = y + bias.view(view);
    }
    out[0] = y;
  }};
}

OpDef BatchNormalization(const NodeInfo& node) {
  const double eps = node.Float("epsilon", 1e-5f);
  return {[eps](RunState&, Inputs in, Outputs out) {
    out[0] = at::batch_norm(in[0], in[1], in[2], in[3], in[4], false, 0.0, eps, false);
  }};
}

}  // namespace

void RegisterNnOps(OpTable& t) {
  t["MatMul"] = MatMul;
  t["Gemm"] = Gemm;
  t["Conv"] = Conv;
  t["ConvTranspose"] = ConvTranspose;
  t["BatchNormalization"] = BatchNormalization;
}

}  // namespace vox::onnx
