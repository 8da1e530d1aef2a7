// Sample-rate conversion with libsoxr (high quality: 20-bit, linear phase),
// one-shot or streaming.
//
// soxr compensates its own filter delay, so the output starts in step with the
// input and, after Flush(), holds round(input_frames * out_rate / in_rate)
// frames: durations are preserved. Output is deterministic regardless of how
// the input is chunked, which is what lets the streaming writer match the
// one-shot encoder.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio {

inline constexpr int kMinOutputSampleRate = 8000;
inline constexpr int kMaxOutputSampleRate = 48000;
inline constexpr std::array<int, 6> kCommonSampleRates = {8000, 16000, 22050, 24000, 44100, 48000};

// OK when `rate` is an output rate Vox produces (8000..48000). The error names
// field "sample_rate" and lists the common choices.
Status ValidateSampleRate(int rate);

// Converts `pcm` to `target_rate` (validated as above). A buffer already at
// the target rate is returned as a copy.
Result<PcmBuffer> Resample(const PcmBuffer& pcm, int target_rate);

// Streaming converter for one signal. Not thread-safe; movable.
class Resampler {
 public:
  // input_rate: 1000..768000 (any decoded input); output_rate: validated by
  // ValidateSampleRate; channels: 1..8.
  static Result<Resampler> Create(int input_rate, int output_rate, int channels);

  Resampler(Resampler&&) noexcept = default;
  Resampler& operator=(Resampler&&) noexcept = default;
  ~Resampler() = default;

  // Resamples interleaved `input` (a whole number of frames) and appends what
  // is ready to `out`; the rest stays inside until later input or Flush().
  Status Process(std::span<const float> input, std::vector<float>& out);

  // Appends the remaining output. Call once, after the last Process().
  Status Flush(std::vector<float>& out);

  int input_rate() const { return input_rate_; }
  int output_rate() const { return output_rate_; }
  int channels() const { return channels_; }

 private:
  struct SoxrDeleter {
    void operator()(void* soxr) const;
  };
  Resampler(int input_rate, int output_rate, int channels, void* soxr);
  Status Run(const float* input, std::size_t frames, std::vector<float>& out);

  int input_rate_ = 0;
  int output_rate_ = 0;
  int channels_ = 1;
  bool flushed_ = false;
  std::unique_ptr<void, SoxrDeleter> soxr_;  // null when the rates are equal
};

}  // namespace vox::audio
