#include "audio/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "audio/dsp.h"

namespace vox::audio {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

Status ValidateBuffer(const PcmBuffer& pcm) {
  if (pcm.sample_rate <= 0 || pcm.channels < 1 || pcm.channels > 8 ||
      pcm.samples.size() % pcm.channels != 0) {
    return InvalidArgument("audio buffer is malformed (sample rate " +
                               std::to_string(pcm.sample_rate) + ", " +
                               std::to_string(pcm.channels) + " channels)",
                           "audio");
  }
  return {};
}

}  // namespace

Status ValidateLoudnessTarget(double target_lufs, double peak_limit_dbfs) {
  if (!(target_lufs >= -70.0 && target_lufs <= -5.0)) {
    return InvalidArgument("loudness target " + std::to_string(target_lufs) +
                               " LUFS is outside -70..-5 (broadcast uses -23, podcasts -16)",
                           "target_lufs");
  }
  if (!(peak_limit_dbfs >= -20.0 && peak_limit_dbfs <= 0.0)) {
    return InvalidArgument(
        "peak limit " + std::to_string(peak_limit_dbfs) + " dBFS is outside -20..0 (typical: -1)",
        "peak_limit_dbfs");
  }
  return {};
}

double LoudnessGainDb(double integrated_lufs, double true_peak_dbfs, double target_lufs,
                      double peak_limit_dbfs) {
  if (!std::isfinite(integrated_lufs)) return 0.0;
  double gain = target_lufs - integrated_lufs;
  if (std::isfinite(true_peak_dbfs) && true_peak_dbfs + gain > peak_limit_dbfs) {
    gain = peak_limit_dbfs - true_peak_dbfs;
  }
  return gain;
}

void LoudnessMeter::StateDeleter::operator()(void* state) const {
  auto* st = static_cast<ebur128_state*>(state);
  ebur128_destroy(&st);
}

LoudnessMeter::LoudnessMeter(void* state, int channels) : state_(state), channels_(channels) {}

Result<LoudnessMeter> LoudnessMeter::Create(int sample_rate, int channels) {
  if (sample_rate < 1000 || sample_rate > 768000) {
    return InvalidArgument(
        "sample rate " + std::to_string(sample_rate) + " Hz is outside 1000..768000",
        "sample_rate");
  }
  if (channels < 1 || channels > 8) {
    return InvalidArgument("channel count " + std::to_string(channels) + " is outside 1..8",
                           "channels");
  }
  ebur128_state* st =
      ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(sample_rate),
                   EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  if (st == nullptr) return Internal("ebur128_init failed");
  return LoudnessMeter(st, channels);
}

Status LoudnessMeter::Add(std::span<const float> interleaved) {
  if (interleaved.size() % channels_ != 0) {
    return InvalidArgument("sample count is not a multiple of the channel count", "audio");
  }
  if (interleaved.empty()) return {};
  const int rc = ebur128_add_frames_float(static_cast<ebur128_state*>(state_.get()),
                                          interleaved.data(), interleaved.size() / channels_);
  if (rc != EBUR128_SUCCESS)
    return Internal("ebur128_add_frames_float failed: " + std::to_string(rc));
  return {};
}

double LoudnessMeter::IntegratedLufs() const {
  double lufs = kNegInf;
  if (ebur128_loudness_global(static_cast<ebur128_state*>(state_.get()), &lufs) !=
      EBUR128_SUCCESS) {
    return kNegInf;
  }
  return std::isfinite(lufs) ? lufs : kNegInf;
}

double LoudnessMeter::TruePeakDbfs() const {
  double peak = 0.0;
  for (int c = 0; c < channels_; ++c) {
    double channel_peak = 0.0;
    if (ebur128_true_peak(static_cast<ebur128_state*>(state_.get()), static_cast<unsigned>(c),
                          &channel_peak) == EBUR128_SUCCESS) {
      peak = std::max(peak, channel_peak);
    }
  }
  return peak > 0.0 ? 20.0 * std::log10(peak) : kNegInf;
}

Result<double> MeasureLufs(const PcmBuffer& pcm) {
  VOX_RETURN_IF_ERROR(ValidateBuffer(pcm));
  VOX_ASSIGN_OR_RETURN(LoudnessMeter meter, LoudnessMeter::Create(pcm.sample_rate, pcm.channels));
  VOX_RETURN_IF_ERROR(meter.Add(pcm.samples));
  return meter.IntegratedLufs();
}

Result<double> NormalizeLoudness(PcmBuffer& pcm, double target_lufs, double peak_limit_dbfs) {
  VOX_RETURN_IF_ERROR(ValidateLoudnessTarget(target_lufs, peak_limit_dbfs));
  VOX_RETURN_IF_ERROR(ValidateBuffer(pcm));
  VOX_ASSIGN_OR_RETURN(LoudnessMeter meter, LoudnessMeter::Create(pcm.sample_rate, pcm.channels));
  VOX_RETURN_IF_ERROR(meter.Add(pcm.samples));
  const double gain_db =
      LoudnessGainDb(meter.IntegratedLufs(), meter.TruePeakDbfs(), target_lufs, peak_limit_dbfs);
  if (gain_db != 0.0) ApplyGain(pcm, DbToGain(gain_db));
  return gain_db;
}

}  // namespace vox::audio
