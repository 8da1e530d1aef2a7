#include "onnx/tensor.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

namespace vox::onnx {

const char* DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat64:
      return "float64";
    case DType::kFloat16:
      return "float16";
    case DType::kInt64:
      return "int64";
    case DType::kInt32:
      return "int32";
    case DType::kInt16:
      return "int16";
    case DType::kInt8:
      return "int8";
    case DType::kUInt8:
      return "uint8";
    case DType::kBool:
      return "bool";
  }
  return "?";
}

size_t DTypeSize(DType dtype) {
  switch (dtype) {
    case DType::kFloat64:
    case DType::kInt64:
      return 8;
    case DType::kFloat32:
    case DType::kInt32:
      return 4;
    case DType::kFloat16:
    case DType::kInt16:
      return 2;
    case DType::kInt8:
    case DType::kUInt8:
    case DType::kBool:
      return 1;
  }
  return 1;
}

static int64_t NumelOf(const std::vector<int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape, std::vector<std::byte> bytes)
    : dtype_(dtype), shape_(std::move(shape)), bytes_(std::move(bytes)) {}

Tensor Tensor::Float32(std::vector<int64_t> shape, std::span<const float> values) {
  std::vector<std::byte> bytes(values.size_bytes());
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return Tensor(DType::kFloat32, std::move(shape), std::move(bytes));
}

Tensor Tensor::Int64(std::vector<int64_t> shape, std::span<const int64_t> values) {
  std::vector<std::byte> bytes(values.size_bytes());
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return Tensor(DType::kInt64, std::move(shape), std::move(bytes));
}

int64_t Tensor::numel() const { return NumelOf(shape_); }

std::span<const float> Tensor::floats() const {
  if (dtype_ != DType::kFloat32) return {};
  return {reinterpret_cast<const float*>(bytes_.data()), bytes_.size() / sizeof(float)};
}

std::span<const int64_t> Tensor::int64s() const {
  if (dtype_ != DType::kInt64) return {};
  return {reinterpret_cast<const int64_t*>(bytes_.data()), bytes_.size() / sizeof(int64_t)};
}

template <typename T>
static Status CheckFiniteValues(std::span<const T> values, std::string_view what) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return MakeError(ErrorCode::kInternal, fmt::format("{} is not finite: element {} is {}", what,
                                                         i, static_cast<double>(values[i])));
    }
  }
  return {};
}

Status CheckFinite(const Tensor& tensor, std::string_view what) {
  if (tensor.dtype() == DType::kFloat32) return CheckFiniteValues(tensor.floats(), what);
  if (tensor.dtype() == DType::kFloat64) {
    return CheckFiniteValues(
        std::span(reinterpret_cast<const double*>(tensor.data()), tensor.nbytes() / 8), what);
  }
  return {};
}

}  // namespace vox::onnx
