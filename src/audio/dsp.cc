#include "audio/dsp.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vox::audio {

double Rms(const PcmBuffer& pcm) {
  if (pcm.samples.empty()) return 0.0;
  double sum = 0.0;
  for (float s : pcm.samples) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(pcm.samples.size()));
}

double PeakAbs(const PcmBuffer& pcm) {
  double peak = 0.0;
  for (float s : pcm.samples) peak = std::max(peak, static_cast<double>(std::fabs(s)));
  return peak;
}

PcmBuffer Silence(int sample_rate, double seconds) {
  PcmBuffer out;
  out.sample_rate = sample_rate;
  out.channels = 1;
  if (seconds > 0 && sample_rate > 0) {
    out.samples.assign(static_cast<std::size_t>(std::llround(seconds * sample_rate)), 0.0f);
  }
  return out;
}

PcmBuffer Sine(int sample_rate, double hz, double seconds, double amplitude) {
  PcmBuffer out = Silence(sample_rate, seconds);
  const double step = 2.0 * std::numbers::pi * hz / sample_rate;
  for (std::size_t i = 0; i < out.samples.size(); ++i) {
    out.samples[i] = static_cast<float>(amplitude * std::sin(step * static_cast<double>(i)));
  }
  return out;
}

PcmBuffer Excerpt(const PcmBuffer& pcm, double from_s, double seconds) {
  PcmBuffer out{pcm.sample_rate, pcm.channels, {}};
  const auto channels = static_cast<std::size_t>(std::max(1, pcm.channels));
  const std::size_t frames = pcm.samples.size() / channels;
  const auto from =
      std::min(frames, static_cast<std::size_t>(std::max(0.0, from_s) * pcm.sample_rate));
  const auto to =
      std::min(frames, from + static_cast<std::size_t>(std::max(0.0, seconds) * pcm.sample_rate));
  out.samples.assign(pcm.samples.begin() + from * channels, pcm.samples.begin() + to * channels);
  return out;
}

PcmBuffer ToMono(const PcmBuffer& pcm) {
  if (pcm.channels <= 1) return pcm;
  PcmBuffer out;
  out.sample_rate = pcm.sample_rate;
  out.channels = 1;
  const std::size_t frames = pcm.frames();
  out.samples.resize(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    double sum = 0.0;
    for (int c = 0; c < pcm.channels; ++c) sum += pcm.samples[i * pcm.channels + c];
    out.samples[i] = static_cast<float>(sum / pcm.channels);
  }
  return out;
}

void ApplyGain(float* samples, std::size_t count, double gain) {
  for (std::size_t i = 0; i < count; ++i) {
    const double v = samples[i] * gain;
    samples[i] = std::isfinite(v) ? static_cast<float>(std::clamp(v, -1.0, 1.0)) : 0.0f;
  }
}

void ApplyGain(PcmBuffer& pcm, double gain) {
  ApplyGain(pcm.samples.data(), pcm.samples.size(), gain);
}

double DbToGain(double db) { return std::pow(10.0, db / 20.0); }

std::int16_t FloatToPcm16(float sample) {
  if (!std::isfinite(sample)) return 0;
  const float scaled = std::nearbyint(sample * 32768.0f);
  return static_cast<std::int16_t>(std::clamp(scaled, -32768.0f, 32767.0f));
}

}  // namespace vox::audio
