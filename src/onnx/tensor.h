// A tensor in host memory: what goes into and comes out of a Model.
//
// Deliberately free of LibTorch types, so that callers (the neural engine, tests, tools)
// include no ATen header: those cost seconds of compile time per file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::onnx {

enum class DType { kFloat32, kFloat64, kFloat16, kInt64, kInt32, kInt16, kInt8, kUInt8, kBool };

const char* DTypeName(DType dtype);  // "float32", "int64", ...
size_t DTypeSize(DType dtype);

class Tensor {
 public:
  Tensor() = default;
  // `bytes` must hold exactly numel(shape) * DTypeSize(dtype) bytes.
  Tensor(DType dtype, std::vector<int64_t> shape, std::vector<std::byte> bytes);

  static Tensor Float32(std::vector<int64_t> shape, std::span<const float> values);
  static Tensor Int64(std::vector<int64_t> shape, std::span<const int64_t> values);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  int64_t numel() const;
  const std::byte* data() const { return bytes_.data(); }
  size_t nbytes() const { return bytes_.size(); }

  // Typed views; empty when the dtype differs.
  std::span<const float> floats() const;
  std::span<const int64_t> int64s() const;

 private:
  DType dtype_ = DType::kFloat32;
  std::vector<int64_t> shape_;
  std::vector<std::byte> bytes_;
};

// An error when a floating-point tensor holds a NaN or an infinity (a model gone wrong:
// corrupt weights, an overflow); names `what` and the first bad element's index.
Status CheckFinite(const Tensor& tensor, std::string_view what);

}  // namespace vox::onnx
