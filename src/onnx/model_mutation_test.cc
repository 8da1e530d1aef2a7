// Bounded mutation testing of the model loader: a small valid model (built here) loaded in
// many deterministic corruptions — truncations, bit flips, overwritten bytes, and fields set
// to hostile values through the protobuf itself. Each load must return a clear
// kInvalidArgument or a model, and a model that loads must run on a valid input without
// crashing (outputs or a clean error). A crash, abort or hang fails the whole test binary.
//
// Not libFuzzer: the loader links libonnx, protobuf and LibTorch, which Debian builds with
// g++ against libstdc++, so it cannot join the clang/libc++ fuzz build (tests/fuzz/README.md).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "onnx/model.h"
#include "onnx/testing/model_protos.h"

namespace vox::onnx {
namespace {

using Clock = std::chrono::steady_clock;

using testing::AddTensorInfo;
using testing::Bytes;

::onnx::TensorProto* AddInit(::onnx::GraphProto* g, const std::string& name, int type,
                             std::vector<int64_t> dims) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

::onnx::NodeProto* AddNode(::onnx::GraphProto* g, const std::string& op, const std::string& name,
                           std::vector<std::string> in, std::vector<std::string> out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : in) n->add_input(i);
  for (auto& o : out) n->add_output(o);
  return n;
}

// Y = Relu(Reshape(Transpose(X @ W), [4]) + Gather(B, idx)) for X float [1, 4]: initializers
// in raw and typed form, an int64 shape, attributes, index input — what a loader reads.
::onnx::ModelProto SmallModel() {
  ::onnx::ModelProto m = testing::EmptyModel();
  auto* g = m.mutable_graph();
  AddTensorInfo(g->add_input(), "X", ::onnx::TensorProto::FLOAT, {1, 4});
  AddTensorInfo(g->add_output(), "Y", ::onnx::TensorProto::FLOAT, {4});
  auto* w = AddInit(g, "W", ::onnx::TensorProto::FLOAT, {4, 4});
  std::string raw(16 * sizeof(float), '\0');
  for (int i = 0; i < 16; ++i) {
    const float v = 0.25f * static_cast<float>(i % 5) - 0.5f;
    std::memcpy(raw.data() + i * sizeof(float), &v, sizeof(float));
  }
  w->set_raw_data(raw);
  auto* b = AddInit(g, "B", ::onnx::TensorProto::FLOAT, {6});
  for (int i = 0; i < 6; ++i) b->add_float_data(0.1f * static_cast<float>(i));
  auto* idx = AddInit(g, "idx", ::onnx::TensorProto::INT64, {4});
  for (int64_t i : {5, 0, 3, 1}) idx->add_int64_data(i);
  auto* shape = AddInit(g, "shape", ::onnx::TensorProto::INT64, {1});
  shape->add_int64_data(4);
  AddNode(g, "MatMul", "mm", {"X", "W"}, {"XW"});
  auto* t = AddNode(g, "Transpose", "tr", {"XW"}, {"T"});
  auto* perm = t->add_attribute();
  perm->set_name("perm");
  perm->set_type(::onnx::AttributeProto::INTS);
  perm->add_ints(1);
  perm->add_ints(0);
  AddNode(g, "Reshape", "rs", {"T", "shape"}, {"R"});
  auto* gather = AddNode(g, "Gather", "ga", {"B", "idx"}, {"G"});
  auto* axis = gather->add_attribute();
  axis->set_name("axis");
  axis->set_type(::onnx::AttributeProto::INT);
  axis->set_i(0);
  AddNode(g, "Add", "add", {"R", "G"}, {"S"});
  AddNode(g, "Relu", "relu", {"S"}, {"Y"});
  return m;
}

struct Tally {
  int loaded = 0, refused = 0, ran = 0, run_errors = 0;
};

// One mutant: loads cleanly or is refused with kInvalidArgument (with a message), with and
// without libonnx's checker; a loaded model runs or fails cleanly.
void LoadOne(std::string_view bytes, const std::string& what, Tally& tally) {
  for (bool check : {true, false}) {
    auto model = Model::LoadFromBytes(bytes, {.check = check});
    if (!model) {
      ++tally.refused;
      EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument)
          << what << ": " << model.error().ToString();
      EXPECT_FALSE(model.error().message.empty()) << what;
      continue;
    }
    ++tally.loaded;
    NamedTensors inputs;
    for (const ValueInfo& in : (*model)->inputs()) {
      std::vector<int64_t> shape;
      int64_t count = 1;
      for (int64_t d : in.shape) {
        shape.push_back(d > 0 && d <= 16 ? d : 1);
        count *= shape.back();
      }
      if (in.dtype == DType::kInt64) {
        inputs.emplace_back(in.name, Tensor::Int64(shape, std::vector<int64_t>(count, 0)));
      } else {
        inputs.emplace_back(in.name, Tensor::Float32(shape, std::vector<float>(count, 0.5f)));
      }
    }
    auto out = (*model)->Run(inputs, {});
    out ? ++tally.ran : ++tally.run_errors;
  }
}

TEST(OnnxModelMutation, TheSmallModelIsValid) {
  auto model = Model::LoadFromBytes(Bytes(SmallModel()), {});
  ASSERT_TRUE(model) << model.error().ToString();
  auto out = (*model)->Run({{"X", Tensor::Float32({1, 4}, std::vector<float>{1, 2, 3, 4})}}, {});
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ((*out)[0].floats().size(), 4u);
}

// Every prefix length on a stride, then bit flips and byte overwrites at positions drawn
// from a fixed seed (the same mutants on every run).
TEST(OnnxModelMutation, CorruptedBytesLoadOrFailCleanly) {
  const std::string bytes = Bytes(SmallModel());
  const auto start = Clock::now();
  Tally tally;
  for (size_t cut = 0; cut < bytes.size(); cut += 3) {
    LoadOne(std::string_view(bytes).substr(0, cut), "cut at " + std::to_string(cut), tally);
  }
  std::mt19937 rng(20261206);
  std::uniform_int_distribution<size_t> pos(0, bytes.size() - 1);
  for (int i = 0; i < 300; ++i) {
    std::string mutant = bytes;
    const size_t at = pos(rng);
    std::string what;
    switch (i % 3) {
      case 0:
        mutant[at] = static_cast<char>(mutant[at] ^ (1 << (rng() % 8)));
        what = "bit flip at " + std::to_string(at);
        break;
      case 1:
        mutant[at] = static_cast<char>(0xff);  // a varint that never ends, a huge length
        what = "0xff at " + std::to_string(at);
        break;
      case 2:
        mutant.erase(at, 1 + rng() % 4);
        what = "bytes erased at " + std::to_string(at);
        break;
    }
    LoadOne(mutant, what, tally);
  }
  EXPECT_GT(tally.refused, 0);
  EXPECT_GT(tally.loaded, 0);  // some flips land in weights: still a model
  // Bounded: ~0.1 s measured on 2 shared cores; a hang or a slow path shows here.
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(60));
}

// Fields set to hostile values through the protobuf: what a crafted file holds.
TEST(OnnxModelMutation, HostileFieldsLoadOrFailCleanly) {
  using Mutate = std::function<void(::onnx::ModelProto&)>;
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  auto init = [](::onnx::ModelProto& m, int i) {
    return m.mutable_graph()->mutable_initializer(i);
  };
  const std::vector<std::pair<std::string, Mutate>> mutations = {
      {"raw data shorter than dims", [&](auto& m) { init(m, 0)->mutable_raw_data()->resize(7); }},
      {"raw data longer than dims",
       [&](auto& m) { init(m, 0)->mutable_raw_data()->append(64, 'x'); }},
      {"huge dim", [&](auto& m) { init(m, 0)->set_dims(0, kHuge); }},
      {"negative dim", [&](auto& m) { init(m, 0)->set_dims(0, -4); }},
      {"dims overflow when multiplied",
       [&](auto& m) {
         init(m, 0)->set_dims(0, int64_t{1} << 33);
         init(m, 0)->set_dims(1, int64_t{1} << 33);
       }},
      {"zero dim", [&](auto& m) { init(m, 0)->set_dims(0, 0); }},
      {"too few typed values", [&](auto& m) { init(m, 1)->mutable_float_data()->RemoveLast(); }},
      {"typed and raw data", [&](auto& m) { init(m, 1)->set_raw_data(std::string(24, '\0')); }},
      {"unknown data type", [&](auto& m) { init(m, 0)->set_data_type(999); }},
      {"undefined data type", [&](auto& m) { init(m, 0)->set_data_type(0); }},
      {"string tensor", [&](auto& m) { init(m, 0)->set_data_type(::onnx::TensorProto::STRING); }},
      {"external data",
       [&](auto& m) {
         init(m, 0)->set_data_location(::onnx::TensorProto::EXTERNAL);
         auto* e = init(m, 0)->add_external_data();
         e->set_key("location");
         e->set_value("../../../../etc/passwd");
       }},
      {"gather index out of range", [&](auto& m) { init(m, 2)->set_int64_data(0, kHuge); }},
      {"gather negative index", [&](auto& m) { init(m, 2)->set_int64_data(0, -100); }},
      {"reshape to a huge shape", [&](auto& m) { init(m, 3)->set_int64_data(0, kHuge); }},
      {"reshape to -1 twice",
       [&](auto& m) {
         init(m, 3)->set_int64_data(0, -1);
         init(m, 3)->add_int64_data(-1);
         init(m, 3)->set_dims(0, 2);
       }},
      {"perm out of range",
       [&](auto& m) { m.mutable_graph()->mutable_node(1)->mutable_attribute(0)->set_ints(0, 7); }},
      {"perm repeated",
       [&](auto& m) { m.mutable_graph()->mutable_node(1)->mutable_attribute(0)->set_ints(0, 0); }},
      {"gather axis huge",
       [&](auto& m) { m.mutable_graph()->mutable_node(3)->mutable_attribute(0)->set_i(kHuge); }},
      {"attribute of the wrong type",
       [&](auto& m) {
         m.mutable_graph()->mutable_node(1)->mutable_attribute(0)->set_type(
             ::onnx::AttributeProto::FLOAT);
       }},
      // Without the checker this one crashed in MatMul while folding constants at load time
      // (a node with fewer inputs than its operator takes): the regression case.
      {"node without inputs", [&](auto& m) { m.mutable_graph()->mutable_node(0)->clear_input(); }},
      {"binary node with one input (run, not folded)",
       [&](auto& m) { m.mutable_graph()->mutable_node(4)->mutable_input()->RemoveLast(); }},
      {"unary node with an extra input",
       [&](auto& m) { m.mutable_graph()->mutable_node(5)->add_input("X"); }},
      {"node without outputs",
       [&](auto& m) { m.mutable_graph()->mutable_node(5)->clear_output(); }},
      {"a cycle", [&](auto& m) { m.mutable_graph()->mutable_node(0)->set_input(0, "Y"); }},
      {"a node reads itself",
       [&](auto& m) { m.mutable_graph()->mutable_node(5)->set_input(0, "Y"); }},
      {"two producers of one value",
       [&](auto& m) { m.mutable_graph()->mutable_node(4)->set_output(0, "Y"); }},
      {"graph output nothing produces",
       [&](auto& m) { m.mutable_graph()->mutable_output(0)->set_name("nowhere"); }},
      {"input of another type",
       [&](auto& m) {
         m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
             ::onnx::TensorProto::INT64);
       }},
      {"input without a type", [&](auto& m) { m.mutable_graph()->mutable_input(0)->clear_type(); }},
      {"input with a huge dim",
       [&](auto& m) {
         m.mutable_graph()
             ->mutable_input(0)
             ->mutable_type()
             ->mutable_tensor_type()
             ->mutable_shape()
             ->mutable_dim(1)
             ->set_dim_value(kHuge);
       }},
      {"input named like an initializer",
       [&](auto& m) { m.mutable_graph()->mutable_input(0)->set_name("W"); }},
      {"no opset", [&](auto& m) { m.clear_opset_import(); }},
      {"opset from the future", [&](auto& m) { m.mutable_opset_import(0)->set_version(kHuge); }},
      {"empty op type", [&](auto& m) { m.mutable_graph()->mutable_node(0)->set_op_type(""); }},
      {"empty graph", [&](auto& m) { m.mutable_graph()->clear_node(); }},
      {"ir version 0", [&](auto& m) { m.set_ir_version(0); }},
  };
  Tally tally;
  for (const auto& [what, mutate] : mutations) {
    ::onnx::ModelProto m = SmallModel();
    mutate(m);
    LoadOne(Bytes(m), what, tally);
  }
  EXPECT_GT(tally.refused, 0);
}

}  // namespace
}  // namespace vox::onnx
