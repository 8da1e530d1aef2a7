// NodeInfo, TensorProto conversion and the helpers every kernel family shares.
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstring>

#include "onnx/op.h"

namespace vox::onnx {

NodeInfo::NodeInfo(const ::onnx::NodeProto& node, int opset) : node_(node), opset_(opset) {}

int NodeInfo::num_inputs() const { return node_.input_size(); }
int NodeInfo::num_outputs() const { return node_.output_size(); }

const void* NodeInfo::Find(std::string_view name) const {
  for (const auto& a : node_.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

static const ::onnx::AttributeProto* AsAttr(const void* p) {
  return static_cast<const ::onnx::AttributeProto*>(p);
}

bool NodeInfo::Has(std::string_view name) const { return Find(name) != nullptr; }

int64_t NodeInfo::Int(std::string_view name, int64_t fallback) const {
  const auto* a = AsAttr(Find(name));
  return a ? a->i() : fallback;
}

float NodeInfo::Float(std::string_view name, float fallback) const {
  const auto* a = AsAttr(Find(name));
  return a ? a->f() : fallback;
}

std::string NodeInfo::String(std::string_view name, std::string fallback) const {
  const auto* a = AsAttr(Find(name));
  return a ? a->s() : fallback;
}

std::vector<int64_t> NodeInfo::Ints(std::string_view name) const {
  const auto* a = AsAttr(Find(name));
  if (!a) return {};
  return {a->ints().begin(), a->ints().end()};
}

std::vector<float> NodeInfo::Floats(std::string_view name) const {
  const auto* a = AsAttr(Find(name));
  if (!a) return {};
  return {a->floats().begin(), a->floats().end()};
}

const ::onnx::TensorProto* NodeInfo::TensorAttr(std::string_view name) const {
  const auto* a = AsAttr(Find(name));
  return a && a->has_t() ? &a->t() : nullptr;
}

void Fail(std::string message) { throw OpError(std::move(message)); }

std::string ErrorText(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

int64_t NormalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    Fail(fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> ToInts(const at::Tensor& t) {
  if (!t.defined()) return {};
  if (t.dim() > 1) Fail(fmt::format("expected a 0-d or 1-d tensor, got rank {}", t.dim()));
  auto c = t.to(at::kCPU).to(at::kLong).contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return {p, p + c.numel()};
}

bool Present(Inputs in, size_t i) { return i < in.size() && in[i].defined(); }

c10::ScalarType ScalarTypeOf(int onnx_type) {
  using TP = ::onnx::TensorProto;
  switch (onnx_type) {
    case TP::FLOAT:
      return at::kFloat;
    case TP::DOUBLE:
      return at::kDouble;
    case TP::FLOAT16:
      return at::kHalf;
    case TP::INT64:
      return at::kLong;
    case TP::INT32:
      return at::kInt;
    case TP::INT16:
      return at::kShort;
    case TP::INT8:
      return at::kChar;
    case TP::UINT8:
      return at::kByte;
    case TP::BOOL:
      return at::kBool;
    default:
      Fail(fmt::format("tensor data type {} is not supported", onnx_type));
  }
}

c10::ScalarType ScalarTypeOf(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return at::kFloat;
    case DType::kFloat64:
      return at::kDouble;
    case DType::kFloat16:
      return at::kHalf;
    case DType::kInt64:
      return at::kLong;
    case DType::kInt32:
      return at::kInt;
    case DType::kInt16:
      return at::kShort;
    case DType::kInt8:
      return at::kChar;
    case DType::kUInt8:
      return at::kByte;
    case DType::kBool:
      return at::kBool;
  }
  return at::kFloat;
}

std::optional<DType> DTypeOf(c10::ScalarType type) {
  for (DType d : {DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kInt64, DType::kInt32,
                  DType::kInt16, DType::kInt8, DType::kUInt8, DType::kBool}) {
    if (ScalarTypeOf(d) == type) return d;
  }
  return std::nullopt;
}

at::Tensor FromTensorProto(const ::onnx::TensorProto& proto) {
  using TP = ::onnx::TensorProto;
  if (proto.data_location() == TP::EXTERNAL) {
    Fail(fmt::format("tensor '{}' keeps its data in an external file (not supported)",
                     proto.name()));
  }
  const auto type = ScalarTypeOf(proto.data_type());
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims) {
    if (d < 0) Fail(fmt::format("tensor '{}' has a negative dimension", proto.name()));
  }
  auto out = at::empty(dims, at::TensorOptions().dtype(type));
  const int64_t numel = out.numel();
  const size_t nbytes = static_cast<size_t>(numel) * out.element_size();
  auto* dst = static_cast<char*>(out.data_ptr());
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != nbytes) {
      Fail(fmt::format("tensor '{}' has {} bytes of data for {} elements", proto.name(),
                       proto.raw_data().size(), numel));
    }
    std::memcpy(dst, proto.raw_data().data(), nbytes);  // little-endian, as ONNX stores it
    return out;
  }
  auto check_count = [&](int count) {
    if (count != numel) {
      Fail(fmt::format("tensor '{}' has {} values for {} elements", proto.name(), count, numel));
    }
  };
  switch (proto.data_type()) {
    case TP::FLOAT:
      check_count(proto.float_data_size());
      std::memcpy(dst, proto.float_data().data(), nbytes);
      break;
    case TP::DOUBLE:
      check_count(proto.double_data_size());
      std::memcpy(dst, proto.double_data().data(), nbytes);
      break;
    case TP::INT64:
      check_count(proto.int64_data_size());
      std::memcpy(dst, proto.int64_data().data(), nbytes);
      break;
    case TP::INT32:
      check_count(proto.int32_data_size());
      std::memcpy(dst, proto.int32_data().data(), nbytes);
      break;
    default: {
      // Narrow types travel widened in int32_data (FLOAT16 as its bit pattern).
      check_count(proto.int32_data_size());
      auto wide = at::empty({numel}, at::kInt);
      std::memcpy(wide.data_ptr(), proto.int32_data().data(), numel * sizeof(int32_t));
      if (type == at::kHalf) {
        auto bits = wide.to(at::kShort);
        std::memcpy(dst, bits.data_ptr(), nbytes);
      } else {
        out.copy_(wide.to(type).view(dims));
      }
    }
  }
  return out;
}

const OpTable& Operators() {
  static const OpTable table = [] {
    OpTable t;
    RegisterElementwiseOps(t);
    RegisterShapeOps(t);
    RegisterIndexOps(t);
    RegisterReduceOps(t);
    RegisterNnOps(t);
    RegisterRandomOps(t);
    return t;
  }();
  return table;
}

}  // namespace vox::onnx
