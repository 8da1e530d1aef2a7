// Piper voices end to end: random-weight models of Piper's VITS architecture, exported the
// way Piper exports them (tools/piper_gen), must give PyTorch's own audio (noise scales 0)
// at 1, 3, 50 and 400 phonemes, for two speakers, in a padded batch and from many threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "onnx/model.h"
#include "onnx/testing/case_file.h"

namespace vox::onnx {
namespace {

const std::string kDir = VOX_BINARY_DIR "/testdata/piper";
constexpr double kTolerance = 1e-3;  // max |runtime - PyTorch| relative to the reference's peak

nlohmann::json Index() {
  std::ifstream in(kDir + "/index.json");
  return in ? nlohmann::json::parse(in) : nlohmann::json::object();
}

NamedTensors PiperInputs(const nlohmann::json& c) {
  const auto shape = c.at("input_shape").get<std::vector<int64_t>>();
  const auto ids = c.at("input").get<std::vector<int64_t>>();
  const auto lengths = c.at("input_lengths").get<std::vector<int64_t>>();
  const auto scales = c.at("scales").get<std::vector<float>>();
  NamedTensors in{{"input", Tensor::Int64(shape, ids)},
                  {"input_lengths", Tensor::Int64({static_cast<int64_t>(lengths.size())}, lengths)},
                  {"scales", Tensor::Float32({3}, scales)}};
  if (!c.at("sid").is_null()) {
    const auto sid = c.at("sid").get<std::vector<int64_t>>();
    in.emplace_back("sid", Tensor::Int64({static_cast<int64_t>(sid.size())}, sid));
  }
  return in;
}

Tensor Reference(const nlohmann::json& c) {
  return testing::ReadTensor(kDir + "/" + c.at("output_file").get<std::string>(), "float32",
                             c.at("output_shape").get<std::vector<int64_t>>());
}

// max |a - b| / peak(b), or infinity when the shapes differ.
double RelativeDiff(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape()) return std::numeric_limits<double>::infinity();
  float peak = 1e-6f;
  for (float v : want.floats()) peak = std::max(peak, std::abs(v));
  return testing::MaxAbsDiff(got, want) / peak;
}

std::shared_ptr<const Model> LoadVoice(const nlohmann::json& m) {
  auto model = Model::Load(kDir + "/" + m.at("onnx").get<std::string>(), {});
  EXPECT_TRUE(model) << model.error().ToString();
  return model ? *model : nullptr;
}

TEST(PiperVoices, GeneratedModelsArePresent) {
  const auto index = Index();
  ASSERT_TRUE(index.contains("models")) << "run the onnx_piper_models target";
  EXPECT_EQ(index.at("models").size(), 4u);
}

TEST(PiperVoices, AudioMatchesPyTorch) {
  const auto index = Index();
  ASSERT_TRUE(index.contains("models"));
  for (const auto& m : index.at("models")) {
    auto model = LoadVoice(m);
    ASSERT_TRUE(model);
    for (const auto& c : m.at("cases")) {
      auto out = model->Run(PiperInputs(c), {.seed = 1});
      ASSERT_TRUE(out) << m.at("name") << " " << c.at("name") << ": " << out.error().ToString();
      ASSERT_EQ(out->size(), 1u);
      const Tensor want = Reference(c);
      ASSERT_EQ((*out)[0].shape(), want.shape()) << m.at("name") << " " << c.at("name");
      const double diff = RelativeDiff((*out)[0], want);
      std::cout << "[match] " << m.at("name").get<std::string>() << " "
                << c.at("name").get<std::string>() << " samples=" << want.numel()
                << " max_abs_diff/peak=" << diff
                << " max_abs_diff=" << testing::MaxAbsDiff((*out)[0], want) << "\n";
      EXPECT_LT(diff, kTolerance) << m.at("name") << " " << c.at("name");
      EXPECT_TRUE(CheckFinite((*out)[0], "audio"));
    }
  }
}

TEST(PiperVoices, PiperInterfaceAndFolding) {
  const auto index = Index();
  ASSERT_TRUE(index.contains("models"));
  for (const auto& m : index.at("models")) {
    auto model = LoadVoice(m);
    ASSERT_TRUE(model);
    std::vector<std::string> names;
    for (const auto& in : model->inputs()) names.push_back(in.name);
    const bool multi = m.at("num_speakers").get<int>() > 1;
    std::vector<std::string> want{"input", "input_lengths", "scales"};
    if (multi) want.push_back("sid");
    EXPECT_EQ(names, want);
    ASSERT_EQ(model->outputs().size(), 1u);
    EXPECT_EQ(model->outputs()[0].name, "output");
    EXPECT_EQ(model->stats().op_types, m.at("op_types").get<std::vector<std::string>>());
    EXPECT_GT(model->stats().folded_nodes, 0);
    EXPECT_LT(model->stats().run_nodes, model->stats().nodes);
  }
}

// With noise on, the output depends on the seed alone. (Duration noise stays off so that
// both seeds give the same length, and the comparison is sample by sample.)
TEST(PiperVoices, NoiseIsSeededPerRun) {
  const auto index = Index();
  ASSERT_TRUE(index.contains("models"));
  const auto& m = index.at("models")[0];
  auto model = LoadVoice(m);
  ASSERT_TRUE(model);
  nlohmann::json c = m.at("cases")[2];
  c["scales"] = {0.667, 1.0, 0.0};
  auto a = model->Run(PiperInputs(c), {.seed = 42});
  auto b = model->Run(PiperInputs(c), {.seed = 42});
  auto other = model->Run(PiperInputs(c), {.seed = 43});
  ASSERT_TRUE(a && b && other);
  EXPECT_EQ(testing::MaxAbsDiff((*a)[0], (*b)[0]), 0.0);
  const double diff = testing::MaxAbsDiff((*a)[0], (*other)[0]);
  EXPECT_GT(diff, 0.0);
  EXPECT_LT(diff, 10.0);  // same length: a finite difference
}

// One shared model, several threads at once, each checking its results against PyTorch.
TEST(PiperVoices, ConcurrentRunsOnOneModel) {
  const auto index = Index();
  ASSERT_TRUE(index.contains("models"));
  const auto& m = index.at("models")[3];  // multi-speaker: exercises sid too
  auto model = LoadVoice(m);
  ASSERT_TRUE(model);
  std::vector<nlohmann::json> cases;
  for (const auto& c : m.at("cases")) {
    if (c.at("output_shape")[2].get<int64_t>() < 100000) cases.push_back(c);
  }
  ASSERT_GE(cases.size(), 4u);
  constexpr int kThreads = 4, kRounds = 3;
  std::vector<double> worst(kThreads, 0);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        for (size_t k = 0; k < cases.size(); ++k) {
          const auto& c = cases[(k + t) % cases.size()];
          auto out = model->Run(PiperInputs(c), {.seed = static_cast<uint64_t>(t)});
          if (!out) {
            ++failures[t];
            continue;
          }
          worst[t] = std::max(worst[t], RelativeDiff((*out)[0], Reference(c)));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    EXPECT_LT(worst[t], kTolerance) << "thread " << t;
  }
}

}  // namespace
}  // namespace vox::onnx
