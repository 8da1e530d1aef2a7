// Model loading and running: bad files, unknown operators, bad inputs, constant folding,
// kernel failures and non-finite outputs, on ModelProtos built here.
#include "onnx/model.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "onnx/blas_info.h"
#include "onnx/testing/model_protos.h"

namespace vox::onnx {
namespace {

using testing::AddTensorInfo;
using testing::Bytes;

// Y = op(X) for X float32 [2]; the node is named `node_name`.
::onnx::ModelProto OneNode(const std::string& op, const std::string& node_name = "the_node") {
  ::onnx::ModelProto m = testing::EmptyModel();
  auto* g = m.mutable_graph();
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(node_name);
  n->add_input("X");
  n->add_output("Y");
  AddTensorInfo(g->add_input(), "X", ::onnx::TensorProto::FLOAT, {2});
  AddTensorInfo(g->add_output(), "Y", ::onnx::TensorProto::FLOAT, {2});
  return m;
}

Result<std::vector<Tensor>> RunOn(const Model& model, std::vector<float> x) {
  return model.Run({{"X", Tensor::Float32({static_cast<int64_t>(x.size())}, x)}}, {});
}

TEST(OnnxModel, RunsAOneNodeGraph) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("Exp")), {});
  ASSERT_TRUE(model) << model.error().ToString();
  auto out = RunOn(**model, {0.0f, 1.0f});
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_FLOAT_EQ((*out)[0].floats()[1], std::exp(1.0f));
}

TEST(OnnxModel, UnknownOperatorIsALoadErrorNamingTheNode) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("FrobnicateV2", "mystery_node")), {});
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(model.error().message.find("FrobnicateV2"), std::string::npos) << model.error().message;
  EXPECT_NE(model.error().message.find("mystery_node"), std::string::npos) << model.error().message;
}

TEST(OnnxModel, ValidButUnsupportedOperatorIsALoadError) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("Hardmax", "hm")), {});
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("unsupported operator 'Hardmax' (node 'hm')"),
            std::string::npos)
      << model.error().message;
}

TEST(OnnxModel, OperatorOfAnotherDomainIsALoadError) {
  auto m = OneNode("Exp", "custom");
  m.mutable_graph()->mutable_node(0)->set_domain("com.example");
  auto model = Model::LoadFromBytes(Bytes(m), {});
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("com.example"), std::string::npos) << model.error().message;
}

TEST(OnnxModel, BadAttributeIsALoadErrorNamingTheNode) {
  auto m = OneNode("Pad", "padder");
  auto* mode = m.mutable_graph()->mutable_node(0)->add_attribute();
  mode->set_name("mode");
  mode->set_type(::onnx::AttributeProto::STRING);
  mode->set_s("sideways");
  m.mutable_graph()->mutable_node(0)->add_input("pads");
  AddTensorInfo(m.mutable_graph()->add_input(), "pads", ::onnx::TensorProto::INT64, {2});
  auto model = Model::LoadFromBytes(Bytes(m), {});
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("padder"), std::string::npos) << model.error().message;
}

TEST(OnnxModel, CorruptBytesAreRefused) {
  auto model = Model::LoadFromBytes(std::string("\x08\x07garbage\xff\xff\xff\xff\xff", 16), {});
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  auto empty = Model::LoadFromBytes("", {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

// A model whose weights are an initializer: cut anywhere inside them, it must not load.
TEST(OnnxModel, TruncatedFileIsRefused) {
  auto m = OneNode("Add", "adder");
  m.mutable_graph()->mutable_node(0)->add_input("W");
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("W");
  w->set_data_type(::onnx::TensorProto::FLOAT);
  w->add_dims(2);
  w->set_raw_data(std::string(8, '\0'));
  // Pad the model with a large unused initializer so that cuts land inside data.
  auto* big = m.mutable_graph()->add_initializer();
  big->set_name("unused");
  big->set_data_type(::onnx::TensorProto::FLOAT);
  big->add_dims(4096);
  big->set_raw_data(std::string(4096 * 4, '\1'));
  const std::string bytes = Bytes(m);
  ASSERT_TRUE(Model::LoadFromBytes(bytes, {}));
  for (size_t cut : {bytes.size() / 2, bytes.size() - 1, size_t{10}}) {
    auto model = Model::LoadFromBytes(bytes.substr(0, cut), {});
    EXPECT_FALSE(model) << "cut at " << cut;
  }
}

TEST(OnnxModel, FileErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "vox_onnx_model_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "exp.onnx").string();
  std::ofstream(path, std::ios::binary) << Bytes(OneNode("Exp"));
  EXPECT_TRUE(Model::Load(path, {}));
  auto over = Model::Load(path, {.max_file_bytes = 10});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
  auto missing = Model::Load((dir / "missing.onnx").string(), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(OnnxModel, BadInputsAreInvalidArguments) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("Exp")), {});
  ASSERT_TRUE(model);
  auto missing = (*model)->Run({}, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.error().field, "X");
  const std::vector<int64_t> ints{1, 2};
  auto wrong_type = (*model)->Run({{"X", Tensor::Int64({2}, ints)}}, {});
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.error().message.find("float32"), std::string::npos);
  const std::vector<float> six{1, 2, 3, 4, 5, 6};
  auto wrong_shape = (*model)->Run({{"X", Tensor::Float32({2, 3}, six)}}, {});
  ASSERT_FALSE(wrong_shape);
  EXPECT_EQ(wrong_shape.error().code, ErrorCode::kInvalidArgument);
  const std::vector<float> two{1, 2};
  auto unknown =
      (*model)->Run({{"X", Tensor::Float32({2}, two)}, {"Z", Tensor::Float32({2}, two)}}, {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "Z");
}

// Y = X * (C + W): the Constant and the Add fold at load time; only the Mul runs.
TEST(OnnxModel, FoldsConstantSubgraphs) {
  auto m = OneNode("Mul", "mul");
  auto* g = m.mutable_graph();
  g->mutable_node(0)->add_input("CW");
  auto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(::onnx::TensorProto::FLOAT);
  w->add_dims(2);
  w->add_float_data(1.0f);
  w->add_float_data(2.0f);
  auto* c = g->add_node();
  c->set_op_type("Constant");
  c->set_name("c");
  c->add_output("C");
  auto* value = c->add_attribute();
  value->set_name("value_float");
  value->set_type(::onnx::AttributeProto::FLOAT);
  value->set_f(10.0f);
  auto* add = g->add_node();
  add->set_op_type("Add");
  add->set_name("add");
  add->add_input("C");
  add->add_input("W");
  add->add_output("CW");
  // The nodes are out of order on purpose: the loader sorts them (the checker would refuse).
  auto model = Model::LoadFromBytes(Bytes(m), {.check = false});
  ASSERT_TRUE(model) << model.error().ToString();
  EXPECT_EQ((*model)->stats().nodes, 3);
  EXPECT_EQ((*model)->stats().folded_nodes, 2);
  EXPECT_EQ((*model)->stats().run_nodes, 1);
  auto out = RunOn(**model, {1.0f, 3.0f});
  ASSERT_TRUE(out);
  EXPECT_FLOAT_EQ((*out)[0].floats()[0], 11.0f);
  EXPECT_FLOAT_EQ((*out)[0].floats()[1], 36.0f);
}

// X -> Ceil ("ceil") -> C -> Exp ("exp") -> Y, the Ceil node listed after the Exp one.
::onnx::ModelProto CeilThenExp() {
  auto m = OneNode("Exp", "exp");
  auto* g = m.mutable_graph();
  g->mutable_node(0)->set_input(0, "C");
  auto* ceil = g->add_node();
  ceil->set_op_type("Ceil");
  ceil->set_name("ceil");
  ceil->add_input("X");
  ceil->add_output("C");
  return m;
}

TEST(OnnxModel, ReturnsTappedIntermediateValuesAfterTheOutputs) {
  // C is freed after Exp unless tapped.
  auto model = Model::LoadFromBytes(Bytes(CeilThenExp()), {.check = false});
  ASSERT_TRUE(model) << model.error().ToString();
  EXPECT_EQ((*model)->OutputsOf("Ceil"), std::vector<std::string>{"C"});
  EXPECT_TRUE((*model)->OutputsOf("Conv").empty());

  const std::vector<float> x = {0.2f, 1.5f};
  auto out = (*model)->Run({{"X", Tensor::Float32({2}, x)}}, {.taps = {"C"}});
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_FLOAT_EQ((*out)[0].floats()[1], std::exp(2.0f));
  EXPECT_FLOAT_EQ((*out)[1].floats()[0], 1.0f);
  EXPECT_FLOAT_EQ((*out)[1].floats()[1], 2.0f);

  auto unknown = (*model)->Run({{"X", Tensor::Float32({2}, x)}}, {.taps = {"nope"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
}

// A graph in two parts around one value: the first part alone (its taps, no outputs), then
// the second part from that value given, or from any other value of the caller's.
TEST(OnnxModel, RunsAGraphInTwoPartsAroundOneValue) {
  auto model = Model::LoadFromBytes(Bytes(CeilThenExp()), {.check = false});
  ASSERT_TRUE(model) << model.error().ToString();
  const std::vector<float> x = {0.2f, 1.5f};
  std::map<std::string, double> ran;
  auto first = (*model)->Run({{"X", Tensor::Float32({2}, x)}},
                             {.node_seconds = &ran, .taps = {"C"}, .outputs = false});
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_EQ(first->size(), 1u);  // the tap alone
  EXPECT_FLOAT_EQ((*first)[0].floats()[1], 2.0f);
  EXPECT_EQ(ran.size(), 1u);
  EXPECT_TRUE(ran.contains("ceil"));

  ran.clear();
  const std::vector<float> c = {3.0f, -1.0f};
  auto second = (*model)->Run({{"X", Tensor::Float32({2}, x)}},
                              {.node_seconds = &ran, .given = {{"C", Tensor::Float32({2}, c)}}});
  ASSERT_TRUE(second) << second.error().ToString();
  ASSERT_EQ(second->size(), 1u);
  EXPECT_FLOAT_EQ((*second)[0].floats()[0], std::exp(3.0f));
  EXPECT_FLOAT_EQ((*second)[0].floats()[1], std::exp(-1.0f));
  EXPECT_EQ(ran.size(), 1u);  // Ceil did not run: its value was given
  EXPECT_TRUE(ran.contains("exp"));

  // Only values some node computes can be given: not an input, not an unknown name.
  for (const char* name : {"X", "nope"}) {
    auto refused = (*model)->Run({{"X", Tensor::Float32({2}, x)}},
                                 {.given = {{name, Tensor::Float32({2}, c)}}});
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find(name), std::string::npos) << refused.error().message;
  }
}

TEST(OnnxModel, ListsTheNodesItRunsWithTheirValues) {
  auto model = Model::LoadFromBytes(Bytes(CeilThenExp()), {.check = false});
  ASSERT_TRUE(model) << model.error().ToString();
  const auto nodes = (*model)->Nodes();
  ASSERT_EQ(nodes.size(), 2u);  // in execution order, not the file's
  EXPECT_EQ(nodes[0].name, "ceil");
  EXPECT_EQ(nodes[0].op_type, "Ceil");
  EXPECT_EQ(nodes[0].inputs, std::vector<std::string>{"X"});
  EXPECT_EQ(nodes[0].outputs, std::vector<std::string>{"C"});
  EXPECT_EQ(nodes[1].inputs, std::vector<std::string>{"C"});
  EXPECT_EQ(nodes[1].outputs, std::vector<std::string>{"Y"});
}

TEST(OnnxModel, ProfilesTimeByOperatorAndByNode) {
  // Each node is timed under its own name.
  auto model = Model::LoadFromBytes(Bytes(CeilThenExp()), {.check = false});
  ASSERT_TRUE(model) << model.error().ToString();
  std::map<std::string, double> by_op, by_node;
  const std::vector<float> x = {0.2f, 1.5f};
  for (int run = 0; run < 2; ++run) {  // added to what the maps hold
    ASSERT_TRUE((*model)->Run({{"X", Tensor::Float32({2}, x)}},
                              {.op_seconds = &by_op, .node_seconds = &by_node, .taps = {}}));
  }
  EXPECT_EQ(by_op.size(), 2u);
  ASSERT_EQ(by_node.size(), 2u);
  EXPECT_GT(by_node.at("ceil"), 0.0);
  EXPECT_DOUBLE_EQ(by_node.at("exp"), by_op.at("Exp"));
  EXPECT_DOUBLE_EQ(by_node.at("ceil"), by_op.at("Ceil"));
}

// The device is named at load: its weights move there and every run computes there (the
// CPU here; a CUDA device where LibTorch has one), and the outputs come back to the host.
TEST(OnnxModel, LoadsOntoANamedDevice) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("Exp")), {.device = "cpu"});
  ASSERT_TRUE(model) << model.error().ToString();
  const std::vector<float> x = {0.0f, 1.0f};
  auto out = (*model)->Run({{"X", Tensor::Float32({2}, x)}}, {});
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_FLOAT_EQ((*out)[0].floats()[1], std::exp(1.0f));

  auto malformed = Model::LoadFromBytes(Bytes(OneNode("Exp")), {.device = "tpu:0"});
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(malformed.error().field, "device");
  EXPECT_FALSE(CheckDevice("cuda:zero"));
  EXPECT_TRUE(CheckDevice("cpu"));
  if (!CheckDevice("cuda")) {  // no CUDA in this LibTorch, or no GPU
    auto cuda = Model::LoadFromBytes(Bytes(OneNode("Exp")), {.device = "cuda"});
    ASSERT_FALSE(cuda);
    EXPECT_EQ(cuda.error().code, ErrorCode::kUnprocessable);
  }
}

TEST(OnnxModel, KernelFailureNamesTheNode) {
  auto m = OneNode("Reshape", "reshaper");
  m.mutable_graph()->mutable_node(0)->add_input("S");
  AddTensorInfo(m.mutable_graph()->add_input(), "S", ::onnx::TensorProto::INT64, {1});
  auto model = Model::LoadFromBytes(Bytes(m), {});
  ASSERT_TRUE(model) << model.error().ToString();
  const std::vector<float> x{1, 2};
  const std::vector<int64_t> shape{3};
  auto out = (*model)->Run({{"X", Tensor::Float32({2}, x)}, {"S", Tensor::Int64({1}, shape)}}, {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kInternal);
  EXPECT_NE(out.error().message.find("reshaper"), std::string::npos) << out.error().message;
}

TEST(OnnxModel, NonFiniteOutputIsReported) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("Log")), {});
  ASSERT_TRUE(model);
  auto fine = RunOn(**model, {1.0f, 2.0f});
  ASSERT_TRUE(fine);
  EXPECT_TRUE(CheckFinite((*fine)[0], "audio"));
  auto bad = RunOn(**model, {1.0f, -1.0f});
  ASSERT_TRUE(bad);
  auto status = CheckFinite((*bad)[0], "audio");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("element 1"), std::string::npos) << status.error().message;
}

TEST(OnnxModel, ReportsTheLoadedBlas) {
  auto model = Model::LoadFromBytes(Bytes(OneNode("Exp")), {});  // LibTorch is loaded now
  const BlasInfo blas = LoadedBlas();
  EXPECT_NE(blas.name, "unknown") << blas.path;
  std::cout << "[blas] " << blas.name << " " << blas.path << "\n";
}

TEST(OnnxModel, IntraOpThreadsAreSettable) {
  SetIntraOpThreads(1);
  EXPECT_EQ(IntraOpThreads(), 1);
}

}  // namespace
}  // namespace vox::onnx
