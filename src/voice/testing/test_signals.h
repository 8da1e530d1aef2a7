// Test-only synthetic speech-like signals with known parameters: a pulse train
// at a known F0 through resonators at known formants (a Klatt-style cascade).
#pragma once

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "audio/pcm_buffer.h"

namespace vox::voice::testing {

struct VowelSpec {
  double f0_hz = 120.0;
  std::array<double, 5> formants_hz = {500.0, 1500.0, 2500.0, 3500.0, 4500.0};
  std::array<double, 5> bandwidths_hz = {60.0, 90.0, 120.0, 150.0, 200.0};
  double seconds = 0.3;
  double amplitude = 0.5;  // peak after normalization
};

// Appends one vowel (with 10 ms raised-cosine on/off ramps) to `out`.
inline void AppendVowel(const VowelSpec& v, int rate, std::vector<float>& out) {
  const int n = static_cast<int>(v.seconds * rate);
  std::vector<double> y(n, 0.0);
  double phase = 0.0;
  for (int i = 0; i < n; ++i) {  // glottal pulses: one impulse per period
    phase += v.f0_hz / rate;
    if (phase >= 1.0) {
      phase -= 1.0;
      y[i] = 1.0;
    }
  }
  for (int k = 0; k < 5; ++k) {
    if (v.formants_hz[k] >= 0.45 * rate) continue;
    const double t = 1.0 / rate;
    const double c = -std::exp(-2.0 * std::numbers::pi * v.bandwidths_hz[k] * t);
    const double b = 2.0 * std::exp(-std::numbers::pi * v.bandwidths_hz[k] * t) *
                     std::cos(2.0 * std::numbers::pi * v.formants_hz[k] * t);
    const double a = 1.0 - b - c;
    double y1 = 0.0, y2 = 0.0;
    for (int i = 0; i < n; ++i) {
      const double out_i = a * y[i] + b * y1 + c * y2;
      y2 = y1;
      y1 = out_i;
      y[i] = out_i;
    }
  }
  double peak = 1e-12;
  for (double s : y) peak = std::max(peak, std::abs(s));
  const int ramp = rate / 100;
  for (int i = 0; i < n; ++i) {
    double g = 1.0;
    if (i < ramp) g = 0.5 - 0.5 * std::cos(std::numbers::pi * i / ramp);
    if (n - 1 - i < ramp) g = 0.5 - 0.5 * std::cos(std::numbers::pi * (n - 1 - i) / ramp);
    out.push_back(static_cast<float>(v.amplitude * g * y[i] / peak));
  }
}

// `syllables` vowels of `vowel_s` seconds separated by `gap_s` of silence,
// cycling through /a/, /i/, /u/-like formant patterns scaled by `formant_scale`
// (or, with `neutral`, all the uniform tube's schwa 500/1500/2500/... Hz).
inline audio::PcmBuffer SyntheticSpeech(double f0_hz, double formant_scale, int syllables,
                                        int rate = 16000, double vowel_s = 0.15, double gap_s = 0.1,
                                        bool neutral = false) {
  static constexpr std::array<std::array<double, 5>, 3> kVowels = {{
      {730.0, 1090.0, 2440.0, 3400.0, 4400.0},  // a
      {270.0, 2290.0, 3010.0, 3700.0, 4600.0},  // i
      {300.0, 870.0, 2240.0, 3300.0, 4300.0},   // u
  }};
  audio::PcmBuffer pcm;
  pcm.sample_rate = rate;
  pcm.samples.assign(static_cast<std::size_t>(0.2 * rate), 0.0f);
  for (int s = 0; s < syllables; ++s) {
    VowelSpec v;
    v.f0_hz = f0_hz;
    v.seconds = vowel_s;
    for (int k = 0; k < 5; ++k) {
      v.formants_hz[k] = (neutral ? 500.0 * (2 * k + 1) : kVowels[s % 3][k]) * formant_scale;
    }
    AppendVowel(v, rate, pcm.samples);
    pcm.samples.insert(pcm.samples.end(), static_cast<std::size_t>(gap_s * rate), 0.0f);
  }
  pcm.samples.insert(pcm.samples.end(), static_cast<std::size_t>(0.2 * rate), 0.0f);
  return pcm;
}

}  // namespace vox::voice::testing
