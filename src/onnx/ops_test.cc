// The operator table, family by family, against expected values that numpy computes with
// ONNX's semantics spelled out (testing/op_cases.py writes one small graph per case).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "onnx/model.h"
#include "onnx/testing/case_file.h"

namespace vox::onnx {
namespace {

const std::string kDir = VOX_BINARY_DIR "/testdata/onnx_ops";

std::vector<nlohmann::json> LoadCases() {
  std::ifstream in(kDir + "/index.json");
  if (!in) return {};
  return nlohmann::json::parse(in).at("cases").get<std::vector<nlohmann::json>>();
}

NamedTensors InputsOf(const nlohmann::json& c) {
  NamedTensors inputs;
  for (const auto& in : c.at("inputs")) {
    inputs.emplace_back(in.at("name").get<std::string>(), testing::ReadTensor(kDir, in));
  }
  return inputs;
}

void CheckCase(const nlohmann::json& c) {
  SCOPED_TRACE(c.at("name").get<std::string>());
  auto model = Model::Load(kDir + "/" + c.at("model").get<std::string>(), {});
  ASSERT_TRUE(model) << model.error().ToString();
  const NamedTensors inputs = InputsOf(c);

  if (c.at("random").get<bool>()) {
    // Seeded per run: the same seed repeats, another seed differs; mean 1, scale 2.
    auto a = (*model)->Run(inputs, {.seed = 1}), b = (*model)->Run(inputs, {.seed = 1}),
         other = (*model)->Run(inputs, {.seed = 2});
    ASSERT_TRUE(a && b && other);
    const auto x = (*a)[0].floats(), y = (*b)[0].floats(), z = (*other)[0].floats();
    ASSERT_EQ(x.size(), 64u * 64u);
    EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin()));
    EXPECT_FALSE(std::equal(x.begin(), x.end(), z.begin()));
    double sum = 0, sq = 0;
    for (float v : x) sum += v, sq += v * v;
    const double mean = sum / x.size(), var = sq / x.size() - mean * mean;
    EXPECT_NEAR(mean, 1.0, 0.1);
    EXPECT_NEAR(std::sqrt(var), 2.0, 0.1);
    return;
  }

  auto outputs = (*model)->Run(inputs, {});
  ASSERT_TRUE(outputs) << outputs.error().ToString();
  const auto& expected = c.at("outputs");
  ASSERT_EQ(outputs->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const Tensor want = testing::ReadTensor(kDir, expected[i]);
    const Tensor& got = (*outputs)[i];
    ASSERT_EQ(DTypeName(got.dtype()), std::string(DTypeName(want.dtype()))) << "output " << i;
    ASSERT_EQ(got.shape(), want.shape()) << "output " << i;
    if (want.dtype() == DType::kFloat32) {
      float peak = 1;
      for (float v : want.floats()) peak = std::max(peak, std::abs(v));
      EXPECT_LE(testing::MaxAbsDiff(got, want), 2e-5 * peak) << "output " << i;
    } else {
      ASSERT_EQ(got.nbytes(), want.nbytes());
      EXPECT_EQ(std::memcmp(got.data(), want.data(), got.nbytes()), 0) << "output " << i;
    }
  }
}

// One test per operator family (one process each under ctest), every case traced by name.
class OpFamily : public ::testing::TestWithParam<std::string> {};

TEST_P(OpFamily, MatchesOnnxSemantics) {
  int count = 0;
  for (const auto& c : LoadCases()) {
    if (c.at("family") != GetParam()) continue;
    CheckCase(c);
    ++count;
  }
  EXPECT_GT(count, 0) << "no case of family " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Table, OpFamily,
                         ::testing::Values("elementwise", "shape", "index", "reduce", "nn",
                                           "random"),
                         [](const auto& info) { return info.param; });

TEST(OpCases, TheTableIsThere) { EXPECT_GE(LoadCases().size(), 60u); }

}  // namespace
}  // namespace vox::onnx
