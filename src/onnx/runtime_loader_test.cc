// The runtime plugin is loaded on first use, not at start-up: a process that links the
// module (as `vox` does) maps no LibTorch until it loads a model; answering "cpu" loads
// nothing; a missing or foreign plugin is a clear kUnavailable. Each check that needs a
// fresh process runs in one (a threadsafe death test re-executes this binary).
#include "onnx/runtime_loader.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "onnx/testing/model_protos.h"

namespace vox::onnx {
namespace {

bool LibTorchMapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("libtorch_cpu") != std::string::npos;
}

// Y = Exp(X), X float32 [2].
std::string ExpModel() {
  ::onnx::ModelProto m = testing::EmptyModel();
  auto* g = m.mutable_graph();
  auto* n = g->add_node();
  n->set_op_type("Exp");
  n->add_input("X");
  n->add_output("Y");
  testing::AddTensorInfo(g->add_input(), "X", ::onnx::TensorProto::FLOAT, {2});
  testing::AddTensorInfo(g->add_output(), "Y", ::onnx::TensorProto::FLOAT, {2});
  return testing::Bytes(m);
}

class RuntimeLoader : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(RuntimeLoader, NothingIsLoadedUntilAModelIs) {
  EXPECT_EXIT(
      {
        const bool fresh = !RuntimeLoaded() && !LibTorchMapped();
        SetIntraOpThreads(1);  // remembered, not loaded for
        const bool cpu = CheckDevice("cpu").has_value();
        const bool still = !RuntimeLoaded() && !LibTorchMapped();
        auto model = Model::LoadFromBytes(ExpModel(), {});
        const bool now = model && RuntimeLoaded() && LibTorchMapped() && IntraOpThreads() == 1;
        std::exit(fresh && cpu && still && now ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(RuntimeLoader, AMissingRuntimeIsUnavailableAndNamesTheSetting) {
  EXPECT_EXIT(
      {
        setenv("VOX_ONNX_RUNTIME", "/nonexistent/libvox_onnx_runtime.so", 1);
        auto model = Model::LoadFromBytes(ExpModel(), {});
        const bool clear = !model && model.error().code == ErrorCode::kUnavailable &&
                           model.error().message.find("VOX_ONNX_RUNTIME") != std::string::npos &&
                           model.error().message.find("/nonexistent/") != std::string::npos;
        // The CPU needs no runtime; anything else does, and gets the same answer.
        const bool cpu = CheckDevice("cpu").has_value();
        const bool cuda = !CheckDevice("cuda") && !RuntimeLoaded() && !LibTorchMapped();
        std::exit(clear && cpu && cuda ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(RuntimeLoader, AForeignLibraryIsNotARuntime) {
  auto foreign = LoadRuntimeFrom("libm.so.6");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(foreign.error().message.find("not a Vox neural runtime"), std::string::npos)
      << foreign.error().message;
  auto missing = LoadRuntimeFrom("/nonexistent.so");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent.so"), std::string::npos);
}

}  // namespace
}  // namespace vox::onnx
