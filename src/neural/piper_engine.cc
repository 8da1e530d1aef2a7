#include "neural/piper_engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

#include "neural/piper_sentence.h"
#include "neural/piper_timings.h"
#include "neural/piper_vocoder.h"
#include "piper/phonemizer.h"
#include "text/utf8.h"

namespace vox::neural {
namespace {

// One call's text, like flite and espeak-ng: the pipeline feeds sentences.
constexpr size_t kMaxChunkBytes = 16 * 1024;
using engines::VoiceInfo;

// What a voice's windowed phrases are scaled by is measured on this sentence
// (piper_sentence.h), read in any language: long enough to hold loud vowels, short because
// the first windowed request of each voice and speaker waits for it (0.9 to 3 s, x_low to
// high: docs/BENCHMARKS.md).
constexpr char kLevelText[] = "The birch canoe slid on the smooth planks.";

std::string Describe(const piper::PiperVoice& v) {
  const auto& c = v.package->config;
  std::string text = "Piper voice " + v.package->name;
  if (!v.speaker.empty()) text += ", speaker " + v.speaker;
  if (!c.quality.empty()) text += " (" + c.quality + ")";
  if (!c.dataset.empty()) text += "; dataset " + c.dataset;
  if (!c.license.empty()) text += "; license " + c.license;
  return text;
}

// Which files a voice was loaded from: sizes and modification times of the
// graph and its config, hashed. A model replaced under the same name (vox
// models add, then a reload) gets a new version, so audio cached from the old
// one is never served for the new one.
std::string PackageStamp(const piper::VoicePackage& package) {
  std::string identity;
  for (const auto& path : {package.model_path, package.config_path}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const auto mtime = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    identity += fmt::format("{}:{}:{};", path.filename().string(), size, mtime);
  }
  return fmt::format("{:016x}", std::hash<std::string>{}(identity));
}

}  // namespace

Status PiperEngineConfig::Validate() const {
  if (threads < 0 || threads > 256) return InvalidArgument("must be 0..256", "VOX_NEURAL_THREADS");
  VOX_RETURN_IF_ERROR(batch.Validate());
  if (auto usable = onnx::CheckDevice(device); !usable) {
    Error e = usable.error();
    e.field = "VOX_DEVICE";
    return std::unexpected(e);
  }
  return {};
}

PiperEngine::PiperEngine(PiperEngineConfig config, piper::ModelDirectory directory)
    : config_(std::move(config)), directory_(std::move(directory)), batcher_(config_.batch) {
  for (const piper::PiperVoice& v : directory_.Voices()) {
    const auto& c = v.package->config;
    VoiceInfo info;
    info.id = v.id;
    info.engine = "piper";
    info.engine_version = version() + "+" + PackageStamp(*v.package);
    info.version = v.package->version;
    info.name = v.package->name + (v.speaker.empty() ? "" : ":" + v.speaker);
    info.language = c.language.Bcp47();
    info.gender = "unknown";
    info.sample_rate = c.sample_rate;
    info.description = Describe(v);
    voices_.push_back(std::move(info));
  }
}

std::string PiperEngine::version() const { return "onnx-aten/1"; }

Result<std::unique_ptr<PiperEngine>> PiperEngine::Create(const PiperEngineConfig& config) {
  VOX_RETURN_IF_ERROR(config.Validate());
  if (config.threads > 0) onnx::SetIntraOpThreads(config.threads);
  std::error_code ec;
  piper::ModelDirectory directory;
  if (std::filesystem::is_directory(config.model_dir, ec)) {
    VOX_ASSIGN_OR_RETURN(directory, piper::ModelDirectory::Scan(config.model_dir));
    for (const auto& problem : directory.problems()) {
      spdlog::warn("piper: {} not offered: {}", problem.path.string(), problem.message);
    }
  }
  return std::unique_ptr<PiperEngine>(new PiperEngine(config, std::move(directory)));
}

Result<std::shared_ptr<const onnx::Model>> PiperEngine::Graph(const piper::VoicePackage& package) {
  VOX_ASSIGN_OR_RETURN(LoadedGraph loaded, Load(package));
  return loaded.model;
}

Result<PiperEngine::LoadedGraph> PiperEngine::Load(const piper::VoicePackage& package) {
  std::lock_guard lock(mu_);  // one load per package, even when many requests start at once
  const std::string key = package.model_path.string();  // versions share a name
  if (auto it = graphs_.find(key); it != graphs_.end()) return it->second;
  const std::string stamp = PackageStamp(package);  // before reading: the files as loaded
  onnx::LoadOptions options;
  options.max_file_bytes = config_.max_model_bytes;
  options.device = config_.device;
  auto graph = onnx::Model::Load(package.model_path.string(), options);
  if (!graph) {
    Error e = graph.error();
    e.message = "piper voice " + package.name + ": " + e.message;
    e.field = "voice";
    return std::unexpected(e);
  }
  spdlog::info("piper: loaded {}{} ({} nodes, {} folded)", package.name,
               package.version.empty() ? "" : "@" + package.version, (*graph)->stats().nodes,
               (*graph)->stats().folded_nodes);
  LoadedGraph loaded{stamp, *graph, FindVocoderInput(**graph)};
  if (!loaded.vocoder_input) {
    spdlog::info("piper: {}: no vocoder input found; its sentences stream whole", package.name);
  }
  graphs_[key] = loaded;
  return loaded;
}

Result<float> PiperEngine::WindowedGain(const piper::VoicePackage& package,
                                        const onnx::Model& graph, int speaker_id) {
  const std::string key = package.model_path.string() + "#" + std::to_string(speaker_id);
  {
    std::lock_guard lock(mu_);
    if (auto it = window_gains_.find(key); it != window_gains_.end()) return it->second;
  }
  // Measured outside the lock: two requests may both measure, and agree.
  const piper::VoiceConfig& config = package.config;
  VOX_ASSIGN_OR_RETURN(piper::Phonemization level, piper::Phonemize(config, kLevelText));
  float peak = 0;
  for (const piper::PhonemizedSentence& sentence : level.sentences) {
    for (const piper::PhonemePhrase& phrase : piper::SplitPhrases(sentence, config)) {
      VOX_ASSIGN_OR_RETURN(PiperRun run, RunPiperGraph(graph, config, phrase.ids, speaker_id, 1.0));
      for (float s : run.audio) peak = std::max(peak, std::fabs(s));
    }
  }
  const float gain = PeakGain(peak);
  spdlog::info("piper: {} (speaker {}): windowed phrases scaled by {:.3f}", package.name,
               speaker_id, gain);
  std::lock_guard lock(mu_);
  window_gains_[key] = gain;
  return gain;
}

size_t PiperEngine::AdoptGraphs(PiperEngine& previous) {
  std::map<std::string, LoadedGraph> loaded;
  {
    std::lock_guard lock(previous.mu_);
    loaded = previous.graphs_;
  }
  size_t adopted = 0;
  std::lock_guard lock(mu_);
  for (const auto& package : directory_.packages()) {
    const std::string key = package->model_path.string();
    const auto it = loaded.find(key);
    if (it == loaded.end() || graphs_.contains(key)) continue;
    if (it->second.stamp != PackageStamp(*package)) continue;  // replaced: load it again
    graphs_[key] = it->second;
    ++adopted;
  }
  return adopted;
}

Result<PiperRun> RunPiperGraph(const onnx::Model& graph, const piper::VoiceConfig& voice,
                               const std::vector<int64_t>& ids, int speaker_id, double speed) {
  const PiperRow row{ids, speaker_id};
  VOX_ASSIGN_OR_RETURN(auto runs, RunPiperBatch(graph, voice, {&row, 1}, speed));
  return std::move(runs[0]);
}

Result<PiperRun> PiperEngine::RunPhrase(const onnx::Model& graph, const piper::VoiceConfig& voice,
                                        const std::vector<int64_t>& ids, int speaker_id,
                                        double speed) {
  const piper::PiperScales s = piper::ScalesFor(voice, speed);
  const PiperBatchKey key{&graph, s.noise_scale, s.length_scale, s.noise_w};
  return batcher_.Run(key, {ids, speaker_id}, [&](std::span<const PiperRow> rows) {
    return RunPiperBatch(graph, voice, rows, speed);
  });
}

engines::EngineCapabilities PiperEngine::capabilities() const {
  engines::EngineCapabilities caps = Engine::capabilities();
  caps.timing = engines::TimingGranularity::kWord;
  // Long phrases decode in windows and leave word by word (piper_sentence.h); batched ones
  // run whole.
  if (config_.latent_windows && batcher_.config().max_rows <= 1) {
    caps.streaming = engines::StreamingGranularity::kSubSentence;
  }
  caps.phoneme_input = true;
  return caps;
}

Result<audio::PcmBuffer> PiperEngine::Synthesize(std::string_view text, const VoiceInfo& voice,
                                                 const engines::SynthesisParams& params) {
  return CollectStream(text, voice, params);
}

Status PiperEngine::SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                                     const engines::SynthesisParams& params,
                                     const engines::AudioChunkSink& sink,
                                     const engines::CancelCheck& canceled) {
  VOX_RETURN_IF_ERROR(params.Validate());
  if (params.conversion) {
    return MakeError(ErrorCode::kUnprocessable, "piper voices cannot carry a cloned voice",
                     "voice");
  }
  if (params.pitch != 1.0) {
    return MakeError(ErrorCode::kUnprocessable, "piper voices cannot change their pitch", "pitch");
  }
  if (!SupportsLanguage(voice, params.language)) {
    return MakeError(ErrorCode::kUnprocessable,
                     "voice " + voice.id + " does not speak '" + params.language + "'", "language");
  }
  VOX_ASSIGN_OR_RETURN(piper::PiperVoice resolved, directory_.Resolve(voice.id));
  const piper::VoiceConfig& config = resolved.package->config;
  if (text.size() > kMaxChunkBytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "a chunk of text is over " + std::to_string(kMaxChunkBytes) + " bytes",
                     "text");
  }
  if (!text::ValidateUtf8(text)) return InvalidArgument("text is not valid UTF-8", "text");
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
  // SSML <phoneme>: the given IPA, else espeak's reading of the text.
  auto phonemized = params.phonemes.empty() ? piper::Phonemize(config, text, {.prepare = false})
                                            : piper::PhonemizeIpa(config, text, params.phonemes);
  // Valid text with nothing espeak reads ("?!."): no audio, as the other engines.
  if (!phonemized && phonemized.error().code == ErrorCode::kInvalidArgument) return {};
  VOX_ASSIGN_OR_RETURN(piper::Phonemization phonemes, std::move(phonemized));
  if (!phonemes.missing.empty()) {
    spdlog::warn("piper voice {}: phonemes without ids skipped: {}", resolved.package->name,
                 phonemes.MissingSummary());
  }
  VOX_ASSIGN_OR_RETURN(LoadedGraph loaded, Load(*resolved.package));
  const onnx::Model& graph = *loaded.model;
  const PhonemeClasses classes(config);
  const SentenceVoice sentence_voice{graph, config, classes, resolved.speaker_id, params.speed};
  // Batched phrases run whole: a batch decodes its rows together.
  const bool windows =
      config_.latent_windows && loaded.vocoder_input && batcher_.config().max_rows <= 1;
  const auto run_whole = [&](const std::vector<int64_t>& ids) {
    return RunPhrase(graph, config, ids, resolved.speaker_id, params.speed);
  };
  const auto windowed_gain = [&] {
    return WindowedGain(*resolved.package, graph, resolved.speaker_id);
  };
  double offset_s = 0;
  for (const piper::PhonemizedSentence& sentence : phonemes.sentences) {
    const std::vector<piper::PhonemePhrase> phrases = piper::SplitPhrases(sentence, config);
    VOX_ASSIGN_OR_RETURN(
        double duration,
        windows && !phrases.empty()
            ? StreamSentenceInWindows(sentence_voice, *loaded.vocoder_input, windowed_gain,
                                      sentence, phrases, offset_s, sink, canceled)
            : StreamSentenceWhole(sentence_voice, sentence, phrases, offset_s, run_whole, sink,
                                  canceled));
    offset_s += duration;
  }
  return {};
}

Status ValidatePiperGraph(const std::filesystem::path& model, const piper::VoiceConfig& config) {
  auto graph = onnx::Model::Load(model.string(), {});
  if (!graph) {
    return MakeError(ErrorCode::kInvalidArgument,
                     model.filename().string() + " does not load: " + graph.error().message);
  }
  // "^ _ a _ $" in the voice's own ids, or "^ _ $" when it has no "a".
  std::vector<int64_t> ids;
  for (char32_t symbol : {U'^', U'_', U'a', U'_', U'$'}) {
    auto it = config.phoneme_id_map.find(symbol);
    if (it != config.phoneme_id_map.end())
      ids.insert(ids.end(), it->second.begin(), it->second.end());
  }
  auto run = RunPiperGraph(**graph, config, ids, 0, 1.0);
  if (!run) {
    return MakeError(ErrorCode::kInvalidArgument,
                     model.filename().string() + " does not run: " + run.error().message);
  }
  if (run->audio.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, model.filename().string() + " made no audio");
  }
  return {};
}

}  // namespace vox::neural
