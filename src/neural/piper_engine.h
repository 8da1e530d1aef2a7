// PiperEngine: Piper voices (NAME.onnx + NAME.onnx.json in the model
// directory) as a Vox engine, run in process by the ONNX-on-ATen runtime
// (src/onnx) with Piper's own phonemes (src/piper).
//
// Each sentence is phonemized (espeak-ng, clause by clause), cut into the
// voice's phoneme_silence phrases, and each phrase runs the graph: inputs
// `input` (ids), `input_lengths`, `scales` (noise_scale, length_scale divided
// by the speed, noise_w), `sid` for multi-speaker voices; output `output`,
// the waveform at the voice's rate. A long phrase's vocoder runs in windows
// of its latent, so a sentence streams word by word (piper_sentence.h,
// piper_vocoder.h). Like Piper, the audio of each phrase is peak-normalized
// and each sentence is followed by 0.2 s of silence. Random draws inside the
// graph use a fixed seed, so identical requests give identical audio (the
// cache relies on it).
//
// Graphs load on first use and stay loaded (shared, immutable: any number of
// threads run one at once). Phrases of concurrent requests may share one graph
// run (piper_batch.h) when VOX_BATCH_MAX > 1. Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engines/engine.h"
#include "neural/piper_batch.h"
#include "onnx/model.h"
#include "piper/model_directory.h"

namespace vox::neural {

struct PiperEngineConfig {
  std::filesystem::path model_dir;  // VOX_MODEL_DIR / --models
  int threads = 0;                  // VOX_NEURAL_THREADS: intra-op threads; 0 = LibTorch's default
  std::string device = "cpu";       // VOX_DEVICE: cpu, cuda or cuda:N (CUDA needs a CUDA
                                    // LibTorch build and a GPU: the GPU image)
  uint64_t max_model_bytes = 1u << 30;  // a graph larger than this is refused
  PiperBatchConfig batch;               // VOX_BATCH_MAX, VOX_BATCH_WAIT_MS
  // Long phrases' vocoder in windows of the latent (piper_sentence.h); false: whole
  // sentences, one chunk each (the benchmark's comparison).
  bool latent_windows = true;

  Status Validate() const;  // errors name the VOX_* setting
};

class PiperEngine final : public engines::Engine {
 public:
  // Scans the model directory (problems are logged, never fatal: the other
  // voices still serve). An empty or missing directory gives an engine with
  // no voices; the caller decides whether to register it.
  static Result<std::unique_ptr<PiperEngine>> Create(const PiperEngineConfig& config);

  std::string name() const override { return "piper"; }
  std::string version() const override;
  const std::vector<engines::VoiceInfo>& voices() const override { return voices_; }
  Result<audio::PcmBuffer> Synthesize(std::string_view text, const engines::VoiceInfo& voice,
                                      const engines::SynthesisParams& params) override;
  // Word timings (from the graph's phoneme durations); chunks end between words.
  engines::EngineCapabilities capabilities() const override;
  Status SynthesizeStream(std::string_view text, const engines::VoiceInfo& voice,
                          const engines::SynthesisParams& params,
                          const engines::AudioChunkSink& sink,
                          const engines::CancelCheck& canceled = {}) override;

  const piper::ModelDirectory& directory() const { return directory_; }
  // Loads (or returns the loaded) graph of a package: kInvalidArgument for a
  // corrupt graph or one with an operator the runtime lacks.
  Result<std::shared_ptr<const onnx::Model>> Graph(const piper::VoicePackage& package);
  // Takes over the graphs `previous` has loaded whose files are unchanged
  // (same path, same sizes and modification times of graph and config): a
  // reload of the model directory does not load them again. Returns how many.
  size_t AdoptGraphs(PiperEngine& previous);

 private:
  PiperEngine(PiperEngineConfig config, piper::ModelDirectory directory);
  // One phrase through the batcher: alone, or with concurrent phrases of the voice.
  Result<PiperRun> RunPhrase(const onnx::Model& graph, const piper::VoiceConfig& voice,
                             const std::vector<int64_t>& ids, int speaker_id, double speed);

  const PiperEngineConfig config_;
  const piper::ModelDirectory directory_;
  std::vector<engines::VoiceInfo> voices_;
  std::mutex mu_;  // guards graphs_ (loading) and window_gains_; runs need no lock
  struct LoadedGraph {
    std::string stamp;  // PackageStamp of the files it was loaded from
    std::shared_ptr<const onnx::Model> model;
    std::optional<std::string> vocoder_input;  // FindVocoderInput: sentences stream in windows
  };
  Result<LoadedGraph> Load(const piper::VoicePackage& package);
  // The level a voice's windowed phrases are scaled to (piper_sentence.h): measured on a
  // calibration sentence once per graph and speaker.
  Result<float> WindowedGain(const piper::VoicePackage& package, const onnx::Model& graph,
                             int speaker_id);
  std::map<std::string, LoadedGraph> graphs_;    // by model path
  std::map<std::string, float> window_gains_;    // by model path and speaker
  PiperBatcher batcher_;
};

// Runs one phrase's ids through a Piper graph (alone).
Result<PiperRun> RunPiperGraph(const onnx::Model& graph, const piper::VoiceConfig& voice,
                               const std::vector<int64_t>& ids, int speaker_id, double speed);

// Proves a voice package runs before `vox models add` installs it: the graph
// loads (every operator supported) and speaks a short phrase of the voice's
// own ids, finite. Errors name the package's file.
Status ValidatePiperGraph(const std::filesystem::path& model, const piper::VoiceConfig& config);

}  // namespace vox::neural
