// From the bytes of an .onnx file to an execution plan: parse, refuse unsupported
// operators (naming the node), run libonnx's checker, order the nodes, fold every node
// whose inputs are all constant, and note where each intermediate value dies.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>

#include "onnx/model_impl.h"

namespace vox::onnx {
namespace {

constexpr int kMinOpset = 9;
constexpr int kMaxOpset = 18;

bool IsDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

std::string NodeName(const ::onnx::NodeProto& node, int index) {
  return node.name().empty() ? fmt::format("#{}", index) : node.name();
}

// An ONNX element type as a host dtype, when the runtime has one for it.
std::optional<DType> DTypeOfOnnx(int type) {
  try {
    return DTypeOf(ScalarTypeOf(type));
  } catch (const OpError&) {
    return std::nullopt;
  }
}

Result<ValueInfo> DescribeValue(const ::onnx::ValueInfoProto& v) {
  ValueInfo info;
  info.name = v.name();
  if (!v.type().has_tensor_type()) {
    return InvalidArgument(fmt::format("graph value '{}' is not a tensor", v.name()));
  }
  const auto& tt = v.type().tensor_type();
  auto dtype = DTypeOfOnnx(tt.elem_type());
  if (!dtype) {
    return InvalidArgument(
        fmt::format("graph value '{}' has unsupported element type {}", v.name(), tt.elem_type()));
  }
  info.dtype = *dtype;
  if (tt.has_shape()) {
    for (const auto& d : tt.shape().dim())
      info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  return info;
}

// Every node's operator must be in the table: the first few that are not are named.
Status CheckOperators(const ::onnx::GraphProto& graph) {
  const auto& table = Operators();
  std::vector<std::string> problems;
  std::set<std::string> seen;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    const bool known = IsDefaultDomain(node.domain()) && table.contains(node.op_type());
    if (known || !seen.insert(node.domain() + "/" + node.op_type()).second) continue;
    problems.push_back(fmt::format(
        "'{}'{} (node '{}')", node.op_type(),
        node.domain().empty() ? "" : " of domain '" + node.domain() + "'", NodeName(node, i)));
  }
  if (problems.empty()) return {};
  std::string list;
  for (size_t i = 0; i < problems.size() && i < 5; ++i) list += (i ? ", " : "") + problems[i];
  return InvalidArgument(
      fmt::format("unsupported operator{} {}", problems.size() > 1 ? "s" : "", list));
}

}  // namespace

Result<std::unique_ptr<CompiledGraph>> CompileModel(std::string_view bytes,
                                                  const LoadOptions& options) {
  VOX_RETURN_IF_ERROR(aten::CheckDevice(options.device));
  ::onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgument(
        "not an ONNX model: the protobuf does not parse (corrupt or truncated file?)");
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    return InvalidArgument("not an ONNX model: no graph (corrupt or truncated file?)");
  }
  int opset = 0;
  for (const auto& o : model.opset_import()) {
    if (IsDefaultDomain(o.domain())) opset = static_cast<int>(o.version());
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    return InvalidArgument(fmt::format("ONNX opset {} is not supported (supported: {} to {})",
                                       opset, kMinOpset, kMaxOpset));
  }
  const auto& graph = model.graph();
  VOX_RETURN_IF_ERROR(CheckOperators(graph));
  if (options.check) {
    try {
      ::onnx::checker::check_model(model);
    } catch (const std::exception& e) {
      return InvalidArgument(fmt::format("invalid ONNX model: {}", e.what()));
    }
  }

  auto impl = std::make_unique<CompiledGraph>();
  impl->device = at::Device(options.device);  // well-formed: CheckDevice passed
  std::unordered_map<std::string, int> ids;
  auto id_of = [&](const std::string& name) {
    auto [it, inserted] = ids.try_emplace(name, impl->num_values);
    if (inserted) ++impl->num_values;
    return it->second;
  };
  std::vector<bool> available;  // per value id: an initializer, a graph input or produced
  auto mark = [&](int id) {
    if (static_cast<int>(available.size()) <= id) available.resize(id + 1, false);
    available[id] = true;
  };
  auto is_available = [&](int id) {
    return id < static_cast<int>(available.size()) && available[id];
  };

  c10::InferenceMode inference;
  std::unordered_map<int, at::Tensor> initial;
  for (const auto& init : graph.initializer()) {
    try {
      const int id = id_of(init.name());
      initial[id] = FromTensorProto(init);
      mark(id);
    } catch (const std::exception& e) {
      return InvalidArgument(fmt::format("initializer '{}': {}", init.name(), ErrorText(e)));
    }
  }
  for (const auto& in : graph.input()) {
    const int id = id_of(in.name());
    if (initial.contains(id)) continue;  // an initializer listed as an input: a constant here
    VOX_ASSIGN_OR_RETURN(auto info, DescribeValue(in));
    impl->input_ids.push_back(id);
    impl->inputs.push_back(std::move(info));
    mark(id);
  }

  // Topological order (Kahn), keeping the file's order among ready nodes.
  const int n = graph.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < n; ++i) {
    for (const auto& out : graph.node(i).output()) {
      if (!out.empty()) producer[out] = i;
    }
  }
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    std::set<int> deps;
    for (const auto& in : graph.node(i).input()) {
      if (in.empty()) continue;
      auto it = producer.find(in);
      if (it != producer.end()) {
        deps.insert(it->second);
      } else if (!is_available(id_of(in))) {
        return InvalidArgument(fmt::format("node '{}' ({}) reads '{}', which nothing produces",
                                           NodeName(graph.node(i), i), graph.node(i).op_type(),
                                           in));
      }
    }
    pending[i] = static_cast<int>(deps.size());
    for (int d : deps) consumers[d].push_back(i);
  }
  std::set<int> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.insert(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (int c : consumers[i]) {
      if (--pending[c] == 0) ready.insert(c);
    }
  }
  if (static_cast<int>(order.size()) != n) return InvalidArgument("the graph has a cycle");

  // Compile each node; fold it when its inputs are all constant and it is deterministic.
  for (const auto& node : graph.node()) {
    for (const auto& name : node.input()) {
      if (!name.empty()) id_of(name);
    }
    for (const auto& name : node.output()) {
      if (!name.empty()) id_of(name);
    }
  }
  impl->constants.resize(impl->num_values);
  for (auto& [id, t] : initial) impl->constants[id] = std::move(t);
  RunState fold_state{at::make_generator<at::CPUGeneratorImpl>(0)};
  std::set<std::string> op_types;
  for (int i : order) {
    const auto& node = graph.node(i);
    op_types.insert(node.op_type());
    PlanStep step;
    step.name = NodeName(node, i);
    step.op_type = node.op_type();
    auto fail = [&](const std::exception& e) {
      return InvalidArgument(
          fmt::format("node '{}' ({}): {}", step.name, step.op_type, ErrorText(e)));
    };
    // Kernels index their inputs by position: a node with more or fewer than its operator
    // takes must not reach one (libonnx's checker refuses it too, but may be switched off).
    if (const auto* schema = ::onnx::OpSchemaRegistry::Schema(node.op_type(), opset);
        schema != nullptr &&
        (node.input_size() < schema->min_input() || node.input_size() > schema->max_input() ||
         node.output_size() < schema->min_output() || node.output_size() > schema->max_output())) {
      return InvalidArgument(fmt::format("node '{}' ({}) has {} inputs and {} outputs", step.name,
                                         step.op_type, node.input_size(), node.output_size()));
    }
    OpDef def;
    try {
      def = Operators().at(node.op_type())(NodeInfo(node, opset));
    } catch (const std::exception& e) {
      return fail(e);
    }
    bool constant = def.deterministic;
    for (const auto& in : node.input()) {
      step.inputs.push_back(in.empty() ? -1 : id_of(in));
      if (!in.empty()) constant &= impl->constants[id_of(in)].defined();
    }
    for (const auto& out : node.output()) step.outputs.push_back(out.empty() ? -1 : id_of(out));
    if (constant) {
      std::vector<at::Tensor> ins, outs(step.outputs.size());
      for (int id : step.inputs) ins.push_back(id < 0 ? at::Tensor() : impl->constants[id]);
      try {
        def.kernel(fold_state, ins, outs);
      } catch (const std::exception& e) {
        return fail(e);
      }
      for (size_t k = 0; k < outs.size(); ++k) {
        if (step.outputs[k] >= 0) impl->constants[step.outputs[k]] = std::move(outs[k]);
      }
      ++impl->stats.folded_nodes;
      continue;
    }
    step.kernel = std::move(def.kernel);
    impl->plan.push_back(std::move(step));
  }

  for (const auto& out : graph.output()) {
    auto it = ids.find(out.name());
    if (it == ids.end() || (!producer.contains(out.name()) && !is_available(it->second))) {
      return InvalidArgument(fmt::format("graph output '{}' is never produced", out.name()));
    }
    VOX_ASSIGN_OR_RETURN(auto info, DescribeValue(out));
    impl->output_ids.push_back(it->second);
    impl->outputs.push_back(std::move(info));
  }

  // Free each intermediate after its last consumer (or right away when nobody reads it).
  std::vector<int> last_use(impl->num_values, -1);
  for (int s = 0; s < static_cast<int>(impl->plan.size()); ++s) {
    for (int id : impl->plan[s].inputs) {
      if (id >= 0) last_use[id] = s;
    }
    for (int id : impl->plan[s].outputs) {
      if (id >= 0 && last_use[id] < s) last_use[id] = s;
    }
  }
  std::vector<bool> keep(impl->num_values, false);
  for (int id : impl->output_ids) keep[id] = true;
  for (int id = 0; id < impl->num_values; ++id) {
    if (last_use[id] >= 0 && !keep[id] && !impl->constants[id].defined()) {
      impl->plan[last_use[id]].release.push_back(id);
    }
  }

  std::vector<std::string>& value_names = impl->value_names;
  value_names.resize(impl->num_values);
  for (const auto& [name, id] : ids) value_names[id] = name;
  impl->producer.assign(impl->num_values, -1);
  for (int s = 0; s < static_cast<int>(impl->plan.size()); ++s) {
    const PlanStep& step = impl->plan[s];
    for (int id : step.outputs) {
      if (id < 0) continue;
      impl->outputs_by_op[step.op_type].push_back(value_names[id]);
      impl->producer[id] = s;
    }
  }
  // Folded on the CPU above; the weights and folded values move to the device once.
  for (at::Tensor& c : impl->constants) {
    if (c.defined()) c = c.to(impl->device);
  }
  impl->value_ids = std::move(ids);
  impl->stats.nodes = n;
  impl->stats.run_nodes = static_cast<int>(impl->plan.size());
  impl->stats.op_types.assign(op_types.begin(), op_types.end());
  return impl;
}

}  // namespace vox::onnx
