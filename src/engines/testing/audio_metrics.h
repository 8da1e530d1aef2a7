// Measurements the engine tests assert on: loudness and fundamental frequency.
// Deliberately simple and independent of the code under test.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/dsp.h"
#include "audio/pcm_buffer.h"

namespace vox::engines::testing {

using audio::Rms;  // the audio module's; tests link vox_audio

// Median F0 in Hz over voiced 40 ms frames (normalized autocorrelation peak
// above 0.5, energy above half the clip's RMS), searched in [min_hz, max_hz].
// Returns 0 if no frame is voiced.
inline double MedianF0(const audio::PcmBuffer& pcm, double min_hz = 50, double max_hz = 500) {
  const std::vector<float>& s = pcm.samples;
  const int rate = pcm.sample_rate;
  const int frame = rate * 40 / 1000;
  const int hop = rate * 10 / 1000;
  const int min_lag = static_cast<int>(rate / max_hz);
  const int max_lag = static_cast<int>(rate / min_hz);
  const double clip_rms = Rms(pcm);
  std::vector<double> f0s;
  for (size_t start = 0; start + frame + max_lag < s.size(); start += hop) {
    double energy = 0.0;
    for (int i = 0; i < frame; ++i) energy += static_cast<double>(s[start + i]) * s[start + i];
    if (std::sqrt(energy / frame) < 0.5 * clip_rms) continue;
    double best = 0.0;
    int best_lag = 0;
    for (int lag = min_lag; lag <= max_lag; ++lag) {
      double cross = 0.0, lagged = 0.0;
      for (int i = 0; i < frame; ++i) {
        cross += static_cast<double>(s[start + i]) * s[start + i + lag];
        lagged += static_cast<double>(s[start + i + lag]) * s[start + i + lag];
      }
      const double r = cross / std::sqrt(energy * lagged + 1e-12);
      if (r > best) {
        best = r;
        best_lag = lag;
      }
    }
    if (best > 0.5) f0s.push_back(static_cast<double>(rate) / best_lag);
  }
  if (f0s.empty()) return 0.0;
  std::nth_element(f0s.begin(), f0s.begin() + f0s.size() / 2, f0s.end());
  return f0s[f0s.size() / 2];
}

}  // namespace vox::engines::testing
