// One EngineRegistry with the default engines (flite, espeak-ng), created on
// first use and shared by the tests of one binary: loading voices is slow.
#pragma once

#include <gtest/gtest.h>

#include "engines/engine_registry.h"

namespace vox::engines::testing {

inline const EngineRegistry& SharedRegistry() {
  static const EngineRegistry* registry = [] {
    auto created = EngineRegistry::Create(EnginesConfig{});
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return created->release();
  }();
  return *registry;
}

}  // namespace vox::engines::testing
