// Loudness measurement (EBU R128 / ITU-R BS.1770 via libebur128) and
// normalization to a target integrated loudness under a true-peak ceiling.
//
// Normalization is a single gain, never compression: the gain that reaches
// the target is lowered when it would push the true peak above the ceiling,
// so a very peaky signal can end up quieter than the target. Silence (or
// audio shorter than one 400 ms gating block) has no integrated loudness
// (-infinity) and is left unchanged.
#pragma once

#include <memory>
#include <span>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio {

inline constexpr double kDefaultTargetLufs = -16.0;
inline constexpr double kDefaultPeakLimitDbfs = -1.0;

// Range checks shared by every entry point: target in -70..-5 LUFS (field
// "target_lufs"), ceiling in -20..0 dBTP (field "peak_limit_dbfs").
Status ValidateLoudnessTarget(double target_lufs, double peak_limit_dbfs);

// The gain in dB that moves audio measured at `integrated_lufs` with
// `true_peak_dbfs` to the target without exceeding the ceiling; 0 when the
// loudness is -infinity.
double LoudnessGainDb(double integrated_lufs, double true_peak_dbfs, double target_lufs,
                      double peak_limit_dbfs);

// Streaming meter: feed all audio through Add(), then read the results.
// Not thread-safe; movable.
class LoudnessMeter {
 public:
  static Result<LoudnessMeter> Create(int sample_rate, int channels);

  LoudnessMeter(LoudnessMeter&&) noexcept = default;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept = default;
  ~LoudnessMeter() = default;

  // Adds interleaved frames (a whole number of frames).
  Status Add(std::span<const float> interleaved);

  // Integrated loudness in LUFS; -infinity when nothing passed the gates.
  double IntegratedLufs() const;
  // Highest true peak over all channels in dBFS (dBTP); -infinity for silence.
  double TruePeakDbfs() const;

 private:
  struct StateDeleter {
    void operator()(void* state) const;
  };
  explicit LoudnessMeter(void* state, int channels);

  std::unique_ptr<void, StateDeleter> state_;
  int channels_ = 1;
};

// Integrated loudness of `pcm` in LUFS (-infinity for silence).
Result<double> MeasureLufs(const PcmBuffer& pcm);

// Scales `pcm` in place toward `target_lufs` (see LoudnessGainDb) and returns
// the gain applied in dB.
Result<double> NormalizeLoudness(PcmBuffer& pcm, double target_lufs = kDefaultTargetLufs,
                                 double peak_limit_dbfs = kDefaultPeakLimitDbfs);

}  // namespace vox::audio
