// Test-only helpers: measure frequency and alignment of decoded audio, and
// build WAV headers with chosen (possibly absurd) fields.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "audio/pcm_buffer.h"

namespace vox::audio::testing {

// Frequency estimate from rising zero crossings over the middle of the signal
// (the edges may hold codec padding or ramps).
inline double ZeroCrossingHz(const PcmBuffer& pcm) {
  const std::size_t n = pcm.frames();
  const std::size_t begin = n / 10;
  const std::size_t end = n - n / 10;
  std::size_t first = 0, last = 0, count = 0;
  for (std::size_t i = begin + 1; i < end; ++i) {
    const float a = pcm.samples[(i - 1) * pcm.channels];
    const float b = pcm.samples[i * pcm.channels];
    if (a < 0.0f && b >= 0.0f) {
      if (count == 0) first = i;
      last = i;
      ++count;
    }
  }
  if (count < 2) return 0.0;
  return static_cast<double>(count - 1) * pcm.sample_rate / static_cast<double>(last - first);
}

// Power of one frequency (Goertzel) relative to the total power, 0..1.
inline double ToneFraction(const PcmBuffer& pcm, double hz) {
  const std::size_t n = pcm.frames();
  double s1 = 0, s2 = 0, total = 0;
  const double coeff = 2.0 * std::cos(2.0 * std::numbers::pi * hz / pcm.sample_rate);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = pcm.samples[i * pcm.channels];
    const double s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
    total += x * x;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return total > 0 ? (2.0 * power / static_cast<double>(n)) / total : 0.0;
}

// A 44-byte canonical PCM WAV header with every field under the test's control.
inline std::string WavHeader(std::uint32_t sample_rate, std::uint16_t channels, std::uint16_t bits,
                             std::uint32_t data_bytes) {
  std::string h;
  auto u32 = [&h](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  auto u16 = [&h](std::uint16_t v) {
    h.push_back(static_cast<char>(v & 0xFF));
    h.push_back(static_cast<char>(v >> 8));
  };
  h += "RIFF";
  u32(36 + data_bytes);
  h += "WAVEfmt ";
  u32(16);
  u16(1);  // PCM
  u16(channels);
  u32(sample_rate);
  const std::uint32_t block = static_cast<std::uint32_t>(channels) * (bits / 8);
  u32(sample_rate * block);
  u16(static_cast<std::uint16_t>(block));
  u16(bits);
  h += "data";
  u32(data_bytes);
  return h;
}

}  // namespace vox::audio::testing
