// The generated random-weight Piper voices (tools/piper_gen, written into VOX_PIPER_TESTDATA
// at build time) as the neural tests load them, and phoneme ids to feed them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "onnx/model.h"
#include "piper/voice_config.h"

namespace vox::neural::testing {

struct TestVoice {
  std::shared_ptr<const onnx::Model> graph;
  piper::VoiceConfig config;
};

// `deterministic`: noise scales 0, so no random draw matters.
inline TestVoice LoadTestVoice(const std::string& name, bool deterministic) {
  const std::filesystem::path dir = VOX_PIPER_TESTDATA;
  auto graph = onnx::Model::Load((dir / (name + ".onnx")).string(), {});
  EXPECT_TRUE(graph) << graph.error().ToString();
  auto config = piper::LoadVoiceConfig(dir / (name + ".onnx.json"));
  EXPECT_TRUE(config) << config.error().ToString();
  if (config && deterministic) {
    config->inference.noise_scale = 0;
    config->inference.noise_w = 0;
  }
  return {graph ? *graph : nullptr, config ? *config : piper::VoiceConfig{}};
}

// n ids below 150 (every generated voice has that many symbols), varied by `seed`.
inline std::vector<int64_t> TestIds(size_t n, int64_t seed) {
  std::vector<int64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = (seed + 37 * static_cast<int64_t>(i)) % 150;
  return ids;
}

}  // namespace vox::neural::testing
