// The runtime plugin's Model (AtenModel: a compiled graph and its executor), and its
// device and thread settings (runtime_entry.cc exports them).
#include "onnx/model.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "onnx/host_allocator.h"
#include "onnx/model_impl.h"

namespace vox::onnx {
namespace {

Status CheckInput(const ValueInfo& want, const Tensor& got) {
  if (got.dtype() != want.dtype) {
    return InvalidArgument(fmt::format("input '{}' must be {}, not {}", want.name,
                                       DTypeName(want.dtype), DTypeName(got.dtype())),
                           want.name);
  }
  if (got.nbytes() != static_cast<size_t>(got.numel()) * DTypeSize(got.dtype())) {
    return InvalidArgument(fmt::format("input '{}': data does not match its shape", want.name),
                           want.name);
  }
  // Rank and fixed dimensions must match, except the leading (batch) one: Piper's exports
  // declare `sid` as [1] although the graph takes one speaker per batch entry.
  if (!want.shape.empty()) {
    bool fits = want.shape.size() == got.shape().size();
    for (size_t i = 1; fits && i < want.shape.size(); ++i) {
      fits = want.shape[i] < 0 || want.shape[i] == got.shape()[i];
    }
    if (!fits) {
      return InvalidArgument(fmt::format("input '{}' has the wrong shape", want.name), want.name);
    }
  }
  return {};
}

Result<Tensor> ToHost(const at::Tensor& t, const std::string& name) {
  auto dtype = DTypeOf(t.scalar_type());
  if (!dtype) return Internal(fmt::format("output '{}' has an unsupported type", name));
  const auto c = t.to(at::kCPU).contiguous();
  std::vector<std::byte> bytes(c.nbytes());
  if (!bytes.empty()) std::memcpy(bytes.data(), c.data_ptr(), bytes.size());
  return Tensor(*dtype, std::vector<int64_t>(c.sizes().begin(), c.sizes().end()), std::move(bytes));
}

// The plan steps that computing `targets` needs, given the values marked in `known`: a walk
// back from each target through the steps producing what it reads, stopping at known values,
// constants and graph inputs (which no step produces).
std::vector<bool> NeededSteps(const CompiledGraph& g, std::vector<int> targets,
                              const std::vector<bool>& known) {
  std::vector<bool> needed(g.plan.size(), false);
  while (!targets.empty()) {
    const int id = targets.back();
    targets.pop_back();
    if (id < 0 || known[id]) continue;
    const int step = g.producer[id];
    if (step < 0 || needed[step]) continue;
    needed[step] = true;
    targets.insert(targets.end(), g.plan[step].inputs.begin(), g.plan[step].inputs.end());
  }
  return needed;
}

// A tensor of the caller's on the model's device: no copy on the CPU (kernels never write
// into their inputs); elsewhere, one copy.
at::Tensor OnDevice(const Tensor& tensor, at::Device device) {
  return at::from_blob(const_cast<std::byte*>(tensor.data()), tensor.shape(),
                       at::TensorOptions().dtype(ScalarTypeOf(tensor.dtype())))
      .to(device);
}

}  // namespace

namespace aten {
namespace {

// The Model of the runtime plugin: a compiled graph and its executor.
class AtenModel final : public Model {
 public:
  explicit AtenModel(std::unique_ptr<CompiledGraph> graph) : graph_(std::move(graph)) {}

  const std::vector<ValueInfo>& inputs() const override { return graph_->inputs; }
  const std::vector<ValueInfo>& outputs() const override { return graph_->outputs; }
  const ModelStats& stats() const override { return graph_->stats; }
  std::vector<std::string> OutputsOf(std::string_view op_type) const override {
    const auto it = graph_->outputs_by_op.find(std::string(op_type));
    return it == graph_->outputs_by_op.end() ? std::vector<std::string>() : it->second;
  }
  std::vector<NodeView> Nodes() const override;
  Result<std::vector<Tensor>> Run(const NamedTensors& inputs,
                                  const RunOptions& options) const override;

 private:
  std::unique_ptr<CompiledGraph> graph_;
};

}  // namespace

Result<std::shared_ptr<const Model>> LoadFromBytes(std::string_view bytes,
                                                   const LoadOptions& options) {
  try {
    VOX_ASSIGN_OR_RETURN(auto graph, CompileModel(bytes, options));
    ReleaseFreeHeapMemory();  // the parse's buffers, as large as the model
    return std::shared_ptr<const Model>(std::make_shared<AtenModel>(std::move(graph)));
  } catch (const std::exception& e) {  // a library failure we did not anticipate
    return InvalidArgument(fmt::format("cannot load the model: {}", ErrorText(e)));
  }
}

std::vector<Model::NodeView> AtenModel::Nodes() const {
  const auto names = [this](const std::vector<int>& ids) {
    std::vector<std::string> out;
    for (int id : ids) out.push_back(id < 0 ? std::string() : graph_->value_names[id]);
    return out;
  };
  std::vector<NodeView> nodes;
  for (const PlanStep& step : graph_->plan) {
    nodes.push_back({step.name, step.op_type, names(step.inputs), names(step.outputs)});
  }
  return nodes;
}

Result<std::vector<Tensor>> AtenModel::Run(const NamedTensors& inputs,
                                           const RunOptions& options) const {
  const CompiledGraph& g = *graph_;
  std::vector<at::Tensor> slots(g.num_values);
  std::vector<bool> bound(g.inputs.size(), false);
  try {
    c10::InferenceMode inference;
    for (const auto& [name, tensor] : inputs) {
      size_t i = 0;
      while (i < g.inputs.size() && g.inputs[i].name != name) ++i;
      if (i == g.inputs.size())
        return InvalidArgument(fmt::format("unknown input '{}'", name), name);
      VOX_RETURN_IF_ERROR(CheckInput(g.inputs[i], tensor));
      slots[g.input_ids[i]] = OnDevice(tensor, g.device);
      bound[i] = true;
    }
    for (size_t i = 0; i < bound.size(); ++i) {
      if (!bound[i]) {
        return InvalidArgument(fmt::format("missing input '{}'", g.inputs[i].name),
                               g.inputs[i].name);
      }
    }
    std::vector<int> tap_ids;
    std::vector<bool> tapped(g.num_values, false);
    for (const std::string& name : options.taps) {
      const auto it = g.value_ids.find(name);
      if (it == g.value_ids.end()) {
        return InvalidArgument(fmt::format("no value '{}' in the graph", name), "taps");
      }
      tap_ids.push_back(it->second);
      tapped[it->second] = true;
    }
    std::vector<bool> given(g.num_values, false);
    for (const auto& [name, tensor] : options.given) {
      const auto it = g.value_ids.find(name);
      if (it == g.value_ids.end() || g.producer[it->second] < 0) {
        return InvalidArgument(
            fmt::format("'{}' is not a value the graph computes: it cannot be given", name),
            "given");
      }
      slots[it->second] = OnDevice(tensor, g.device);
      given[it->second] = true;
    }
    // Every step, unless only some values are wanted or some are given.
    std::vector<bool> runs(g.plan.size(), true);
    if (!options.outputs || !options.given.empty()) {
      std::vector<int> targets = tap_ids;
      if (options.outputs) targets.insert(targets.end(), g.output_ids.begin(), g.output_ids.end());
      runs = NeededSteps(g, std::move(targets), given);
    }
    RunState state{at::make_generator<at::CPUGeneratorImpl>(options.seed), g.device};
    const bool timed = options.op_seconds || options.node_seconds;
    std::vector<at::Tensor> ins, outs;
    for (size_t s = 0; s < g.plan.size(); ++s) {
      if (!runs[s]) continue;
      const PlanStep& step = g.plan[s];
      ins.assign(step.inputs.size(), at::Tensor());
      for (size_t k = 0; k < step.inputs.size(); ++k) {
        const int id = step.inputs[k];
        if (id >= 0) ins[k] = slots[id].defined() ? slots[id] : g.constants[id];
      }
      outs.assign(step.outputs.size(), at::Tensor());
      const auto start =
          timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
      try {
        step.kernel(state, ins, outs);
        if (timed) {
          const double took =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          if (options.op_seconds) (*options.op_seconds)[step.op_type] += took;
          if (options.node_seconds) (*options.node_seconds)[step.name] += took;
        }
      } catch (const std::exception& e) {
        return Internal(fmt::format("node '{}' ({}): {}", step.name, step.op_type, ErrorText(e)));
      }
      for (size_t k = 0; k < step.outputs.size(); ++k) {
        const int id = step.outputs[k];
        if (id >= 0 && !given[id]) slots[id] = std::move(outs[k]);
      }
      for (int id : step.release) {
        if (!tapped[id]) slots[id].reset();
      }
    }
    std::vector<Tensor> result;
    auto take = [&](int id, const std::string& name) -> Status {
      const at::Tensor& t = slots[id].defined() ? slots[id] : g.constants[id];
      if (!t.defined()) return Internal(fmt::format("value '{}' was not computed", name));
      VOX_ASSIGN_OR_RETURN(auto host, ToHost(t, name));
      result.push_back(std::move(host));
      return {};
    };
    for (size_t k = 0; options.outputs && k < g.output_ids.size(); ++k) {
      VOX_RETURN_IF_ERROR(take(g.output_ids[k], g.outputs[k].name));
    }
    for (size_t k = 0; k < tap_ids.size(); ++k)
      VOX_RETURN_IF_ERROR(take(tap_ids[k], options.taps[k]));
    return result;
  } catch (const std::exception& e) {
    return Internal(fmt::format("model run failed: {}", ErrorText(e)));
  }
}

Status CheckDevice(const std::string& device) {
  std::optional<at::Device> parsed;
  try {
    parsed = at::Device(device);
  } catch (const std::exception&) {  // not a device name at all: refused below
  }
  if (!parsed || (!parsed->is_cpu() && !parsed->is_cuda())) {
    return InvalidArgument(fmt::format("'{}' is not a device: use cpu, cuda or cuda:N", device),
                           "device");
  }
  if (parsed->is_cpu()) return {};
  if (!at::hasCUDA()) {
    return MakeError(ErrorCode::kUnprocessable,
                     "this build's LibTorch has no CUDA, or no GPU is visible: use cpu (the GPU "
                     "image carries a CUDA build)",
                     "device");
  }
  return {};
}

void SetIntraOpThreads(int n) {
  if (n > 0) at::set_num_threads(n);
}

int IntraOpThreads() { return at::get_num_threads(); }

}  // namespace aten
}  // namespace vox::onnx
