// Time to first audio of one Piper-shaped voice for a whole text, through the pipeline a
// stream runs (Synthesizer: sentences, normalization, the Piper engine): when the first
// chunk is handed over and when the last one is, with the vocoder in windows of the latent
// (the default: chunks leave word by word) and with whole sentences (one chunk each), in
// the same run; and what share of the first sentence's graph run the vocoder (HiFi-GAN)
// takes, the part windows shorten. Prints one JSON object. Driven by run.sh.
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
  const vox::neural::PiperRow row{ids, 0};
  const vox::onnx::NamedTensors inputs =
      vox::neural::PiperGraphInputs(*graph, config, {&row, 1}, 1.0);
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

  struct Timing {
    double cold_ms = 0, first_ms = 0, total_ms = 0, first_audio_s = 0, audio_s = 0;
    size_t chunks = 0, sentences = 0;
    std::string first_sentence;
  };
  // The same text with the vocoder in windows of the latent (the default) and whole.
  const auto measure = [&](bool windows) -> vox::Result<Timing> {
    vox::neural::PiperEngineConfig config;
    config.model_dir = model.parent_path();
    config.threads = threads;
    config.latent_windows = windows;
    VOX_ASSIGN_OR_RETURN(auto engine, vox::neural::PiperEngine::Create(config));
    std::vector<std::unique_ptr<engines::Engine>> list;
    list.push_back(std::move(engine));
    VOX_ASSIGN_OR_RETURN(auto registry, engines::EngineRegistry::FromEngines(std::move(list)));
    const engines::Synthesizer synthesizer(*registry);
    const std::string voice = "piper-" + model.stem().string();
    VOX_ASSIGN_OR_RETURN(auto plan, synthesizer.Prepare(text, voice, {}, {}));
    VOX_ASSIGN_OR_RETURN(auto warm, synthesizer.Prepare(
                                        "Warm up with a sentence long enough to be windowed, "
                                        "so that the voice's level is measured too.",
                                        voice, {}, {}));
    Timing t;
    t.sentences = plan.sentences.size();
    t.first_sentence = plan.sentences.front();
    // The first run loads the graph: a cold start, reported apart.
    const auto cold = Clock::now();
    VOX_RETURN_IF_ERROR(
        synthesizer.Run(warm, [](const vox::audio::PcmBuffer&) { return vox::Status(); }));
    t.cold_ms = MsSince(cold);
    std::vector<double> first_ms, total_ms;
    for (int r = 0; r < repeats; ++r) {
      const auto start = Clock::now();
      double first = -1;
      t.audio_s = 0;
      t.chunks = 0;
      VOX_RETURN_IF_ERROR(synthesizer.Run(plan, [&](const vox::audio::PcmBuffer& pcm) {
        if (pcm.samples.empty()) return vox::Status();
        if (first < 0) first = MsSince(start), t.first_audio_s = pcm.duration_s();
        t.audio_s += pcm.duration_s();
        ++t.chunks;
        return vox::Status();
      }));
      first_ms.push_back(first);
      total_ms.push_back(MsSince(start));
    }
    t.first_ms = Median(first_ms);
    t.total_ms = Median(total_ms);
    return t;
  };
  auto windowed = measure(true);
  auto whole = windowed ? measure(false) : windowed;
  if (!windowed || !whole) {
    std::cerr << (windowed ? whole : windowed).error().ToString() << "\n";
    return 1;
  }

  auto vocoder_share = VocoderShare(model, windowed->first_sentence);
  if (!vocoder_share) {
    std::cerr << vocoder_share.error().ToString() << "\n";
    return 1;
  }
  const auto describe = [](const Timing& t) {
    return nlohmann::json{{"cold_first_synthesis_ms", t.cold_ms},
                          {"first_audio_ms_median", t.first_ms},
                          {"total_ms_median", t.total_ms},
                          {"first_chunk_audio_s", t.first_audio_s},
                          {"audio_s", t.audio_s},
                          {"chunks", t.chunks},
                          {"first_audio_share_of_total", t.first_ms / t.total_ms}};
  };
  nlohmann::json result{{"model", model.stem().string()},
                        {"threads", threads},
                        {"words", Words(text)},
                        {"sentences", windowed->sentences},
                        {"first_sentence_words", Words(windowed->first_sentence)},
                        {"repeats", repeats},
                        {"latent_windows", describe(*windowed)},
                        {"whole_sentences", describe(*whole)},
                        {"first_audio_ratio_windows_to_whole", windowed->first_ms / whole->first_ms},
                        {"total_ratio_windows_to_whole", windowed->total_ms / whole->total_ms},
                        {"first_sentence_vocoder_share", *vocoder_share}};
  std::cout << result.dump() << "\n";
  return 0;
}
