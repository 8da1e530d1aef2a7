// Reads the raw tensors the Python test generators write (op_cases.py, tools/piper_gen).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onnx/tensor.h"

namespace vox::onnx::testing {

// The whole file, or an empty string when it cannot be read.
std::string ReadFile(const std::string& path);

// A tensor from a raw little-endian file; dtype is "float32", "int64", "int32" or "bool".
Tensor ReadTensor(const std::string& path, const std::string& dtype, std::vector<int64_t> shape);

// {"dtype", "shape", "file"} of an index entry, relative to `dir`.
Tensor ReadTensor(const std::string& dir, const nlohmann::json& entry);

// The largest absolute difference of two float32 tensors of equal size (infinity otherwise).
double MaxAbsDiff(const Tensor& a, const Tensor& b);

}  // namespace vox::onnx::testing
