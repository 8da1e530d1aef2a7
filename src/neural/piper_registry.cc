// The registry the engine conformance suite runs on in this module's test
// target: the Piper engine over the generated random-weight test voices.
#include <gtest/gtest.h>

#include "engines/engine_registry.h"
#include "neural/piper_engine.h"

namespace vox::engines::testing {

const EngineRegistry& ConformanceRegistry() {
  static const EngineRegistry* registry = [] {
    neural::PiperEngineConfig config;
    config.model_dir = VOX_PIPER_TESTDATA;
    auto engine = neural::PiperEngine::Create(config);
    EXPECT_TRUE(engine) << engine.error().ToString();
    EXPECT_FALSE((*engine)->voices().empty()) << "no voices in " << VOX_PIPER_TESTDATA;
    std::vector<std::unique_ptr<Engine>> engines;
    engines.push_back(std::move(*engine));
    auto created = EngineRegistry::FromEngines(std::move(engines));
    EXPECT_TRUE(created) << created.error().ToString();
    return created->release();
  }();
  return *registry;
}

}  // namespace vox::engines::testing
