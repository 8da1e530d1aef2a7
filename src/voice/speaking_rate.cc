#include "voice/speaking_rate.h"

#include <algorithm>
#include <cmath>

#include "voice/speech_frames.h"

namespace vox::voice {

SpeakingRate EstimateSpeakingRate(const Features& features, const std::vector<bool>& speech,
                                  const std::vector<float>& f0_hz,
                                  const SpeakingRateConfig& config) {
  SpeakingRate rate;
  const int frames = features.num_frames();
  if (frames == 0 || static_cast<int>(speech.size()) != frames ||
      static_cast<int>(f0_hz.size()) != frames) {
    return rate;
  }
  // Vowel-band intensity in dB.
  std::vector<double> level(frames);
  for (int t = 0; t < frames; ++t) {
    double power = 0.0;
    const auto row = features.log_mel.row(t);
    for (int b = 0; b < features.log_mel.cols(); ++b) {
      const double hz = features.band_center_hz[b];
      if (hz >= config.band_low_hz && hz <= config.band_high_hz) power += std::exp(row[b]);
    }
    level[t] = 10.0 * std::log10(power + 1e-12);
  }
  std::vector<double> smooth(frames);
  const int half = config.smoothing / 2;
  for (int t = 0; t < frames; ++t) {
    double sum = 0.0;
    int count = 0;
    for (int k = std::max(0, t - half); k <= std::min(frames - 1, t + half); ++k, ++count) {
      sum += level[k];
    }
    smooth[t] = sum / count;
  }
  // Candidate peaks: local maxima within +-min_peak_distance/2, in speech, voiced nearby.
  std::vector<int> peaks;
  const int reach = std::max(1, config.min_peak_distance / 2);
  for (int t = 0; t < frames; ++t) {
    if (!speech[t]) continue;
    bool voiced = false;
    for (int k = std::max(0, t - 2); k <= std::min(frames - 1, t + 2); ++k) voiced |= f0_hz[k] > 0;
    if (!voiced) continue;
    bool is_max = true;
    for (int k = std::max(0, t - reach); k <= std::min(frames - 1, t + reach) && is_max; ++k) {
      if (smooth[k] > smooth[t] || (smooth[k] == smooth[t] && k < t)) is_max = false;
    }
    if (is_max) peaks.push_back(t);
  }
  // A peak counts when the intensity dips by min_dip_db between it and the
  // previous counted peak; otherwise the two are one syllable (a wobble in a
  // long vowel) and the higher one stands for it.
  int last = -1;
  for (int t : peaks) {
    if (last < 0) {
      last = t;
      rate.syllables = 1;
      continue;
    }
    const double dip = *std::min_element(smooth.begin() + last, smooth.begin() + t + 1);
    if (smooth[last] - dip >= config.min_dip_db && smooth[t] - dip >= config.min_dip_db) {
      ++rate.syllables;
      last = t;
    } else if (smooth[t] > smooth[last]) {
      last = t;
    }
  }
  const int region = SpeechRegionFrames(speech, config.min_pause_frames);
  rate.speech_seconds = static_cast<double>(region) * features.hop / features.sample_rate;
  if (rate.speech_seconds > 0.0) rate.syllables_per_second = rate.syllables / rate.speech_seconds;
  return rate;
}

}  // namespace vox::voice
