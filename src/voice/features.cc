#include "voice/features.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "audio/dsp.h"
#include "audio/resampler.h"
#include "voice/fft.h"
#include "voice/mel.h"
#include "voice/mfcc.h"

namespace vox::voice {
namespace {

// Floor for band power before the log: about -100 dB re a full-scale frame, so
// digital silence gives a finite (very low) value instead of -inf.
constexpr double kPowerFloor = 1e-10;

std::vector<float> HannWindow(int length) {
  std::vector<float> w(length);
  for (int n = 0; n < length; ++n) {
    w[n] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * n / (length - 1)));
  }
  return w;
}

}  // namespace

Result<audio::PcmBuffer> PrepareAudio(const audio::PcmBuffer& pcm) {
  if (pcm.channels < 1) return InvalidArgument("audio has no channels", "audio");
  if (pcm.sample_rate < 1000 || pcm.sample_rate > 768000) {
    return InvalidArgument(
        "audio sample rate must be 1000..768000 Hz, got " + std::to_string(pcm.sample_rate),
        "audio");
  }
  if (pcm.samples.empty()) return InvalidArgument("audio is empty", "audio");
  if (pcm.samples.size() % pcm.channels != 0) {
    return InvalidArgument("audio ends in a partial frame", "audio");
  }
  if (pcm.duration_s() > kMaxAnalysisSeconds) {
    return InvalidArgument(
        "audio is longer than " + std::to_string(int(kMaxAnalysisSeconds)) + " s", "audio");
  }
  audio::PcmBuffer mono = audio::ToMono(pcm);
  // Gain 1 is the documented way to zero NaN/inf and clamp: resamplers and FFTs
  // would otherwise smear one bad sample over the whole analysis.
  audio::ApplyGain(mono.samples.data(), mono.samples.size(), 1.0);
  if (mono.sample_rate == kAnalysisRate) return mono;
  return audio::Resample(mono, kAnalysisRate);
}

Status FeatureConfig::Validate() const {
  if (frame_length < 16 || frame_length > fft_size) {
    return InvalidArgument("frame_length must be in 16..fft_size", "frame_length");
  }
  if (hop < 1) return InvalidArgument("hop must be >= 1", "hop");
  if (!(preemphasis >= 0.0 && preemphasis < 1.0)) {
    return InvalidArgument("preemphasis must be in [0, 1)", "preemphasis");
  }
  if (num_cepstra < 1 || num_cepstra > num_mel_bands) {
    return InvalidArgument("num_cepstra must be in 1..num_mel_bands", "num_cepstra");
  }
  return {};
}

Result<Features> ExtractFeatures(const audio::PcmBuffer& pcm, const FeatureConfig& config) {
  VOX_RETURN_IF_ERROR(config.Validate());
  if (pcm.channels != 1) return InvalidArgument("features need mono audio", "audio");
  VOX_ASSIGN_OR_RETURN(RealFft fft, RealFft::Create(config.fft_size));
  VOX_ASSIGN_OR_RETURN(
      MelFilterbank mel,
      MelFilterbank::Create({config.num_mel_bands, config.fft_size, pcm.sample_rate, config.min_hz,
                             std::min(config.max_hz, pcm.sample_rate / 2.0)}));
  const Dct dct(config.num_mel_bands, config.num_cepstra);
  const std::vector<float> window = HannWindow(config.frame_length);

  const auto& x = pcm.samples;
  const int n = static_cast<int>(x.size());
  const int frames = n >= config.frame_length ? 1 + (n - config.frame_length) / config.hop : 0;

  Features f;
  f.sample_rate = pcm.sample_rate;
  f.hop = config.hop;
  f.frame_length = config.frame_length;
  f.log_mel = FrameMatrix(frames, config.num_mel_bands);
  f.mfcc = FrameMatrix(frames, config.num_cepstra);
  f.energy_db.resize(frames);
  for (int b = 0; b < mel.num_bands(); ++b) f.band_center_hz.push_back(mel.center_hz(b));

  std::vector<float> frame(config.fft_size, 0.0f);
  std::vector<float> power(fft.num_bins());
  std::vector<float> bands(config.num_mel_bands);
  for (int t = 0; t < frames; ++t) {
    const int start = t * config.hop;
    double mean = 0.0;
    for (int i = 0; i < config.frame_length; ++i) mean += x[start + i];
    mean /= config.frame_length;
    double energy = 0.0;
    for (int i = 0; i < config.frame_length; ++i) {
      const double v = x[start + i] - mean;
      energy += v * v;
    }
    f.energy_db[t] = static_cast<float>(10.0 * std::log10(energy / config.frame_length + 1e-12));

    // Pre-emphasis flattens the glottal tilt so the upper formants, which carry
    // much of the speaker's identity, are not drowned by F1.
    for (int i = config.frame_length - 1; i >= 0; --i) {
      const double prev = start + i > 0 ? x[start + i - 1] - mean : 0.0;
      frame[i] =
          static_cast<float>(((x[start + i] - mean) - config.preemphasis * prev) * window[i]);
    }
    std::fill(frame.begin() + config.frame_length, frame.end(), 0.0f);
    fft.PowerSpectrum(frame, power);
    mel.Apply(power, bands);
    auto log_mel = f.log_mel.row(t);
    for (int b = 0; b < config.num_mel_bands; ++b) {
      log_mel[b] = static_cast<float>(std::log(std::max<double>(bands[b], kPowerFloor)));
    }
    dct.Apply(log_mel, f.mfcc.row(t));
  }
  return f;
}

}  // namespace vox::voice
