// Embedder: marks a stream of PCM, block by block, with one payload.
//
// Each 40 ms frame (20 ms hop, sqrt-Hann windows, overlap-add) has the
// magnitudes of its bins in 300..3500 Hz multiplied by exp(±strength), the
// sign given per tile by the keyed pattern and the payload bit the tile carries.
// A multiplicative change is the psychoacoustic shaping: the mark follows the
// speech's own spectrum and loudness, is silent where the speech is, and a gain
// change cannot touch it (the detector reads log-magnitude contrasts). Phases
// are kept.
//
// Streaming: output lags input by 20..40 ms (a frame's second half waits for
// the next frame); Finish() returns the rest, so the output has exactly the
// input's length, and splitting the input into any blocks gives the same
// output sample for sample. Not thread-safe: one per stream.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/status.h"
#include "watermark/pattern.h"
#include "watermark/payload.h"
#include "watermark/spectrum.h"

namespace vox::watermark {

// Log-magnitude modulation in nepers: 0.20 is ±1.74 dB per tile; the mark
// against the speech measured 17.7 dB SNR on average, 15.2 dB at worst
// (docs/BENCHMARKS.md, Watermark). The same at 8 kHz, where the 300..3500 Hz
// band is nearly all the speech: pocketsphinx heard G.711 speech marked at
// 0.05..0.20 no worse than the unmarked speech shifted by 1.25..3.75 ms, and half
// the strength needs 4x the audio to be found (bench/run.sh
// watermark_narrowband; DECISIONS #97).
inline constexpr float kDefaultStrength = 0.20f;

class Embedder {
 public:
  // `pattern` must outlive the embedder. kInvalidArgument for a rate without a
  // whole number of samples per 20 ms (SupportedRate) or channels outside 1..8.
  static Result<std::unique_ptr<Embedder>> Create(const Pattern& pattern, uint64_t id,
                                                  int sample_rate, int channels,
                                                  float strength = kDefaultStrength);

  // Marks `in` (interleaved, this embedder's rate and channels, whole frames) and
  // appends what is ready to `out`.
  void Process(std::span<const float> in, std::vector<float>& out);
  // Appends the held-back tail; the embedder is then spent.
  void Finish(std::vector<float>& out);

  int sample_rate() const { return rate_; }
  int channels() const { return static_cast<int>(channels_.size()); }

 private:
  struct Channel {
    std::vector<float> pending;  // input not yet past a full frame (starts with hop zeros)
    std::vector<float> overlap;  // the previous frame's second half, windowed
    std::vector<float> ready;    // marked samples not yet interleaved out
  };
  Embedder(const Pattern& pattern, uint64_t id, int rate, int channels, float strength,
           std::unique_ptr<Spectrum> spectrum);
  void RunFrames(Channel& c, int64_t first_frame);
  void Emit(std::vector<float>& out);

  const Pattern& pattern_;
  const PayloadBits bits_;
  const int rate_;
  const int hop_;
  const float strength_;
  std::unique_ptr<Spectrum> spectrum_;
  std::vector<float> window_;
  std::vector<float> frame_;
  std::vector<Channel> channels_;
  int64_t frames_done_ = 0;  // frames processed per channel
  int64_t received_ = 0;     // input frames (samples per channel)
  int64_t emitted_ = 0;      // output frames
  int64_t skip_ = 0;         // leading output of the zero pre-pad still to drop
};

}  // namespace vox::watermark
