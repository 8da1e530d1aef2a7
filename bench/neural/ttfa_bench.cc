// Time to first audio of one Piper-shaped voice for a whole text, through the pipeline a
// stream runs (Synthesizer: sentences, normalization, the Piper engine, one chunk per
// sentence): when the first chunk is handed over, when the last one is, and what share of
// the first sentence's graph run the vocoder (HiFi-GAN, from the first ConvTranspose on)
// takes, the part that decoding in windows of the latent could shorten. Prints one JSON
// object. Driven by run.sh.
//
//   vox_neural_ttfa MODEL.onnx THREADS TEXT_FILE REPEATS
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engines/engine_registry.h"
#include "engines/synthesizer.h"
#include "neural/piper_engine.h"
#include "onnx/host_allocator.h"
#include "onnx/model.h"
#include "piper/model_directory.h"
#include "piper/phonemizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

size_t Words(const std::string& text) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

// One graph run of `sentence` (noise as the voice sets it), timed node by node: the share
// of the vocoder, whose nodes a Piper export names "/dec/...".
vox::Result<double> VocoderShare(const std::filesystem::path& model, const std::string& sentence) {
  namespace piper = vox::piper;
  VOX_ASSIGN_OR_RETURN(auto config, piper::LoadVoiceConfig(model.string() + ".json"));
  VOX_ASSIGN_OR_RETURN(auto graph, vox::onnx::Model::Load(model.string(), {}));
  VOX_ASSIGN_OR_RETURN(
      auto phonemes, piper::Phonemize(config, sentence, {.prepare = false, .espeak_data_dir = {}}));
  std::vector<int64_t> ids;
  for (const auto& s : phonemes.sentences) ids.insert(ids.end(), s.ids.begin(), s.ids.end());
  const auto scales = piper::ScalesFor(config, 1.0);
  const int64_t n = static_cast<int64_t>(ids.size());
  vox::onnx::NamedTensors inputs{
      {"input", vox::onnx::Tensor::Int64({1, n}, ids)},
      {"input_lengths", vox::onnx::Tensor::Int64({1}, std::vector<int64_t>{n})},
      {"scales",
       vox::onnx::Tensor::Float32(
           {3}, std::vector<float>{scales.noise_scale, scales.length_scale, scales.noise_w})}};
  if (config.num_speakers > 1) {
    inputs.emplace_back("sid", vox::onnx::Tensor::Int64({1}, std::vector<int64_t>{0}));
  }
  VOX_RETURN_IF_ERROR(graph->Run(inputs, {}));  // warm
  std::map<std::string, double> nodes;
  VOX_RETURN_IF_ERROR(graph->Run(inputs, {.node_seconds = &nodes, .taps = {}}));
  double all = 0, vocoder = 0;
  for (const auto& [name, seconds] : nodes) {
    all += seconds;
    if (name.starts_with("/dec/")) vocoder += seconds;
  }
  return all > 0 ? vocoder / all : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: vox_neural_ttfa MODEL.onnx THREADS TEXT_FILE REPEATS\n";
    return 2;
  }
  namespace engines = vox::engines;
  spdlog::set_default_logger(spdlog::stderr_logger_mt("bench"));  // stdout is the JSON
  vox::onnx::KeepLargeAllocationsOnTheHeap();                     // as the servers run it
  const std::filesystem::path model = argv[1];
  const int threads = std::stoi(argv[2]), repeats = std::max(1, std::stoi(argv[4]));
  std::stringstream text_stream;
  text_stream << std::ifstream(argv[3]).rdbuf();
  const std::string text = text_stream.str();

  vox::neural::PiperEngineConfig config;
  config.model_dir = model.parent_path();
  config.threads = threads;
  auto engine = vox::neural::PiperEngine::Create(config);
  if (!engine) {
    std::cerr << engine.error().ToString() << "\n";
    return 1;
  }
  std::vector<std::unique_ptr<engines::Engine>> list;
  list.push_back(std::move(*engine));
  auto registry = engines::EngineRegistry::FromEngines(std::move(list));
  if (!registry) {
    std::cerr << registry.error().ToString() << "\n";
    return 1;
  }
  const engines::Synthesizer synthesizer(**registry);
  const std::string voice = "piper-" + model.stem().string();
  auto plan = synthesizer.Prepare(text, voice, {}, {});
  auto warm = synthesizer.Prepare("Warm up.", voice, {}, {});
  if (!plan || !warm) {
    std::cerr << (plan ? warm.error() : plan.error()).ToString() << "\n";
    return 1;
  }
  // The first run loads the graph: a cold start, reported apart.
  const auto cold = Clock::now();
  if (!synthesizer.Run(*warm, [](const vox::audio::PcmBuffer&) { return vox::Status(); })) {
    return 1;
  }
  const double cold_ms = MsSince(cold);

  std::vector<double> first_ms, total_ms;
  double audio_s = 0, first_audio_s = 0;
  size_t chunks = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    double first = -1;
    audio_s = 0;
    chunks = 0;
    const auto status = synthesizer.Run(*plan, [&](const vox::audio::PcmBuffer& pcm) {
      if (pcm.samples.empty()) return vox::Status();
      if (first < 0) first = MsSince(start), first_audio_s = pcm.duration_s();
      audio_s += pcm.duration_s();
      ++chunks;
      return vox::Status();
    });
    if (!status) {
      std::cerr << status.error().ToString() << "\n";
      return 1;
    }
    first_ms.push_back(first);
    total_ms.push_back(MsSince(start));
  }

  auto vocoder_share = VocoderShare(model, plan->sentences.front());
  if (!vocoder_share) {
    std::cerr << vocoder_share.error().ToString() << "\n";
    return 1;
  }
  nlohmann::json result{{"model", model.stem().string()},
                        {"threads", threads},
                        {"words", Words(text)},
                        {"sentences", plan->sentences.size()},
                        {"first_sentence_words", Words(plan->sentences.front())},
                        {"repeats", repeats},
                        {"cold_first_synthesis_ms", cold_ms},
                        {"first_audio_ms_median", Median(first_ms)},
                        {"total_ms_median", Median(total_ms)},
                        {"first_chunk_audio_s", first_audio_s},
                        {"audio_s", audio_s},
                        {"chunks", chunks},
                        {"first_audio_share_of_total", Median(first_ms) / Median(total_ms)},
                        {"first_sentence_vocoder_share", *vocoder_share}};
  std::cout << result.dump() << "\n";
  return 0;
}
