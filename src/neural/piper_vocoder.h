// A Piper graph in two parts around its vocoder's input, so a long phrase's
// audio can be decoded in windows of its latent and its first words leave
// before the vocoder has run to the end (issue #11; DECISIONS #95).
//
// A Piper (VITS) graph is text encoder -> durations -> flow -> vocoder
// (HiFi-GAN), and the vocoder takes 68 to 95% of a run. The vocoder is
// convolutional: each output sample depends only on a few latent frames
// around its own (7 in Piper's decoders, measured in piper_batch_test). So the
// graph runs once up to the latent (RunToLatent: every frame, and the
// durations), then the vocoder alone on windows of it (DecodeLatent), each
// decoded with kContextFrames of latent on both sides that are then dropped:
// the windows' audio equals the whole run's to float rounding
// (piper_vocoder_test, on the generated voices of every shape).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "neural/piper_batch.h"
#include "onnx/model.h"
#include "piper/voice_config.h"

namespace vox::neural {

// Latent frames decoded on each side of a window and dropped: beyond the
// decoder's receptive field with margin.
inline constexpr int64_t kContextFrames = 12;

// The value a Piper graph's vocoder starts from, found by structure (older
// exports name no scopes): the input of the Conv that leads, through first
// inputs, into the graph's first ConvTranspose (HiFi-GAN's conv_pre, then
// its first upsampling). nullopt for a graph of another shape: it is then run
// whole, as before.
std::optional<std::string> FindVocoderInput(const onnx::Model& graph);

// One phrase up to its vocoder: the latent [1, channels, frames] and each
// id's frames (the durations: empty when the graph has no single Ceil).
struct PiperLatent {
  onnx::Tensor latent;
  std::vector<float> frames;

  int64_t total_frames() const { return latent.shape().size() == 3 ? latent.shape()[2] : 0; }
};

// The graph run as RunPiperGraph runs it (same inputs, same seed: the same
// latent), stopped at `vocoder_input`.
Result<PiperLatent> RunToLatent(const onnx::Model& graph, const std::string& vocoder_input,
                                const piper::VoiceConfig& voice, const PiperRow& row,
                                double speed);

// The audio of latent frames [from, to) (0 <= from < to <= total_frames): the
// vocoder alone on those frames and up to kContextFrames either side, the
// context's audio cut off. `row` and `speed` bind the graph's inputs (the
// vocoder reads only the speaker). Errors: kInternal when the audio is not a
// whole number of samples per frame or not finite.
Result<std::vector<float>> DecodeLatent(const onnx::Model& graph, const std::string& vocoder_input,
                                        const piper::VoiceConfig& voice, const PiperRow& row,
                                        double speed, const PiperLatent& latent, int64_t from,
                                        int64_t to);

// Where a phrase of `frames` latent frames is cut into windows: one window
// when it is short (kMinWindowedFrames), else a small first window (the
// stream's first audio) and windows that double up to a cap (each costs
// 2 * kContextFrames of extra decoding). [from, to) pairs covering [0, frames).
inline constexpr int64_t kFirstWindowFrames = 32;
inline constexpr int64_t kMaxWindowFrames = 512;
inline constexpr int64_t kMinWindowedFrames = 3 * kFirstWindowFrames;
std::vector<std::pair<int64_t, int64_t>> WindowPlan(int64_t frames);

}  // namespace vox::neural
