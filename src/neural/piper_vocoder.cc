#include "neural/piper_vocoder.h"

#include <algorithm>
#include <unordered_map>

namespace vox::neural {

std::optional<std::string> FindVocoderInput(const onnx::Model& graph) {
  const std::vector<onnx::Model::NodeView> nodes = graph.Nodes();
  std::unordered_map<std::string, size_t> producer;
  const onnx::Model::NodeView* up = nullptr;
  for (size_t i = 0; i < nodes.size() && up == nullptr; ++i) {
    for (const std::string& out : nodes[i].outputs) producer[out] = i;
    if (nodes[i].op_type == "ConvTranspose") up = &nodes[i];
  }
  if (up == nullptr || up->inputs.empty()) return std::nullopt;
  // Back through first inputs (LeakyRelu, the speaker's Add) to the first Conv: conv_pre.
  std::string value = up->inputs[0];
  for (int hops = 0; hops < 8; ++hops) {
    const auto it = producer.find(value);
    if (it == producer.end()) return std::nullopt;
    const onnx::Model::NodeView& node = nodes[it->second];
    if (node.inputs.empty() || node.inputs[0].empty()) return std::nullopt;
    if (node.op_type == "Conv") return node.inputs[0];
    value = node.inputs[0];
  }
  return std::nullopt;
}

Result<PiperLatent> RunToLatent(const onnx::Model& graph, const std::string& vocoder_input,
                                const piper::VoiceConfig& voice, const PiperRow& row,
                                double speed) {
  onnx::RunOptions options{.seed = kPiperSeed, .taps = {vocoder_input}, .outputs = false};
  const auto ceils = graph.OutputsOf("Ceil");
  if (ceils.size() == 1) options.taps.push_back(ceils[0]);
  VOX_ASSIGN_OR_RETURN(auto values,
                       graph.Run(PiperGraphInputs(graph, voice, {&row, 1}, speed), options));
  PiperLatent out;
  out.latent = std::move(values[0]);
  if (out.latent.dtype() != onnx::DType::kFloat32 || out.latent.shape().size() != 3 ||
      out.latent.shape()[0] != 1 || out.total_frames() < 1) {
    return Internal("the vocoder's input is not a float latent [1, channels, frames]");
  }
  VOX_RETURN_IF_ERROR(onnx::CheckFinite(out.latent, "the voice's latent"));
  if (values.size() == 2 && values[1].floats().size() == row.ids.size()) {
    out.frames.assign(values[1].floats().begin(), values[1].floats().end());
  }
  return out;
}

Result<std::vector<float>> DecodeLatent(const onnx::Model& graph, const std::string& vocoder_input,
                                        const piper::VoiceConfig& voice, const PiperRow& row,
                                        double speed, const PiperLatent& latent, int64_t from,
                                        int64_t to) {
  const int64_t total = latent.total_frames();
  if (from < 0 || to > total || from >= to) return Internal("a latent window out of range");
  const int64_t begin = std::max<int64_t>(0, from - kContextFrames);
  const int64_t end = std::min(total, to + kContextFrames);
  const int64_t channels = latent.latent.shape()[1];
  const std::span<const float> all = latent.latent.floats();
  std::vector<float> window;
  window.reserve(channels * (end - begin));
  for (int64_t c = 0; c < channels; ++c) {
    const auto row_start = all.begin() + c * total;
    window.insert(window.end(), row_start + begin, row_start + end);
  }
  onnx::RunOptions options{.seed = kPiperSeed};
  options.given.emplace_back(vocoder_input,
                             onnx::Tensor::Float32({1, channels, end - begin}, window));
  VOX_ASSIGN_OR_RETURN(auto outputs,
                       graph.Run(PiperGraphInputs(graph, voice, {&row, 1}, speed), options));
  if (outputs.empty() || outputs[0].dtype() != onnx::DType::kFloat32) {
    return Internal("the graph's output is not float audio");
  }
  VOX_RETURN_IF_ERROR(onnx::CheckFinite(outputs[0], "the voice's audio"));
  const std::span<const float> audio = outputs[0].floats();
  if (audio.size() % static_cast<size_t>(end - begin) != 0) {
    return Internal("the vocoder's audio is not a whole number of samples per frame");
  }
  const size_t hop = audio.size() / static_cast<size_t>(end - begin);
  return std::vector<float>(audio.begin() + (from - begin) * hop,
                            audio.begin() + (to - begin) * hop);
}

std::vector<std::pair<int64_t, int64_t>> WindowPlan(int64_t frames) {
  if (frames < kMinWindowedFrames) return {{0, std::max<int64_t>(frames, 0)}};
  std::vector<std::pair<int64_t, int64_t>> plan;
  int64_t size = kFirstWindowFrames;
  for (int64_t at = 0; at < frames; size = std::min(2 * size, kMaxWindowFrames)) {
    // A last window shorter than its context is merged into the one before it.
    int64_t end = std::min(frames, at + size);
    if (frames - end < kContextFrames) end = frames;
    plan.emplace_back(at, end);
    at = end;
  }
  return plan;
}

}  // namespace vox::neural
