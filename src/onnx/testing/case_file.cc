#include "onnx/testing/case_file.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace vox::onnx::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Tensor ReadTensor(const std::string& path, const std::string& dtype, std::vector<int64_t> shape) {
  const DType type = dtype == "float32" ? DType::kFloat32
                     : dtype == "int64" ? DType::kInt64
                     : dtype == "int32" ? DType::kInt32
                                        : DType::kBool;
  const std::string data = ReadFile(path);
  std::vector<std::byte> bytes(data.size());
  std::memcpy(bytes.data(), data.data(), data.size());
  return Tensor(type, std::move(shape), std::move(bytes));
}

Tensor ReadTensor(const std::string& dir, const nlohmann::json& entry) {
  return ReadTensor(dir + "/" + entry.at("file").get<std::string>(),
                    entry.at("dtype").get<std::string>(),
                    entry.at("shape").get<std::vector<int64_t>>());
}

double MaxAbsDiff(const Tensor& a, const Tensor& b) {
  const auto x = a.floats(), y = b.floats();
  if (x.size() != y.size()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = std::abs(static_cast<double>(x[i]) - y[i]);
    if (!(d <= worst)) worst = d;  // NaN propagates as the worst
  }
  return worst;
}

}  // namespace vox::onnx::testing
