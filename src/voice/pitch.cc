#include "voice/pitch.h"

#include <algorithm>
#include <cmath>

namespace vox::voice {

Status PitchConfig::Validate(int sample_rate) const {
  if (!(min_hz >= 20.0 && max_hz > min_hz && max_hz < sample_rate / 4.0)) {
    return InvalidArgument("need 20 <= min_hz < max_hz < sample_rate / 4", "max_hz");
  }
  if (window < sample_rate / max_hz) {
    return InvalidArgument("window must hold at least one period of max_hz", "window");
  }
  if (!(threshold > 0.0 && threshold < 1.0)) {
    return InvalidArgument("threshold must be in (0, 1)", "threshold");
  }
  return {};
}

namespace {

// Returns the refined lag (samples) and d' there, or lag 0 if no dip exists.
std::pair<double, double> YinFrame(const float* x, int window, int min_lag, int max_lag,
                                   double threshold, std::vector<double>& d) {
  d.assign(max_lag + 2, 0.0);
  for (int tau = 1; tau <= max_lag + 1; ++tau) {
    // Four independent float accumulators let the compiler vectorize this loop,
    // which is most of the analysis time (exact IEEE order would forbid it).
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    const float* y = x + tau;
    int j = 0;
    for (; j + 4 <= window; j += 4) {
      for (int k = 0; k < 4; ++k) {
        const float diff = x[j + k] - y[j + k];
        acc[k] += diff * diff;
      }
    }
    double sum = double(acc[0]) + acc[1] + acc[2] + acc[3];
    for (; j < window; ++j) sum += double(x[j] - y[j]) * (x[j] - y[j]);
    d[tau] = sum;
  }
  // Cumulative mean normalization: d'(tau) = d(tau) * tau / sum_{j<=tau} d(j).
  d[0] = 1.0;
  double running = 0.0;
  for (int tau = 1; tau <= max_lag + 1; ++tau) {
    running += d[tau];
    d[tau] = running > 0.0 ? d[tau] * tau / running : 1.0;
  }
  int best = -1;
  for (int tau = min_lag; tau <= max_lag; ++tau) {
    if (d[tau] < threshold) {
      while (tau + 1 <= max_lag && d[tau + 1] < d[tau]) ++tau;  // walk to the dip's bottom
      best = tau;
      break;
    }
  }
  if (best < 0) {  // no dip under the threshold: take the global minimum
    best = min_lag;
    for (int tau = min_lag; tau <= max_lag; ++tau) {
      if (d[tau] < d[best]) best = tau;
    }
  }
  // Parabolic interpolation for sub-sample precision.
  double lag = best;
  if (best > 1 && best <= max_lag) {
    const double a = d[best - 1], b = d[best], c = d[best + 1];
    const double denom = a - 2.0 * b + c;
    if (denom > 0.0) lag = best + std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
  }
  return {lag, d[best]};
}

}  // namespace

Result<PitchTrack> EstimatePitch(std::span<const float> samples, int sample_rate, int hop,
                                 int num_frames, const std::vector<bool>& mask,
                                 const PitchConfig& config) {
  VOX_RETURN_IF_ERROR(config.Validate(sample_rate));
  if (hop < 1 || num_frames < 0)
    return InvalidArgument("hop and num_frames must be positive", "hop");
  if (!mask.empty() && static_cast<int>(mask.size()) != num_frames) {
    return InvalidArgument("mask must have one entry per frame", "mask");
  }
  const int min_lag = static_cast<int>(std::floor(sample_rate / config.max_hz));
  const int max_lag = static_cast<int>(std::ceil(sample_rate / config.min_hz));
  const int span = config.window + max_lag + 2;

  PitchTrack track;
  track.f0_hz.assign(num_frames, 0.0f);
  track.aperiodicity.assign(num_frames, 1.0f);
  std::vector<float> buffer(span);
  std::vector<double> d;
  for (int t = 0; t < num_frames; ++t) {
    if (!mask.empty() && !mask[t]) continue;
    const std::size_t start = static_cast<std::size_t>(t) * hop;
    if (start >= samples.size()) break;
    const std::size_t available = std::min<std::size_t>(span, samples.size() - start);
    std::copy_n(samples.begin() + start, available, buffer.begin());
    std::fill(buffer.begin() + available, buffer.end(), 0.0f);
    double energy = 0.0;
    for (int j = 0; j < config.window; ++j) energy += double(buffer[j]) * buffer[j];
    if (energy <= 1e-10) continue;  // digital silence has no period
    const auto [lag, dip] =
        YinFrame(buffer.data(), config.window, min_lag, max_lag, config.threshold, d);
    track.aperiodicity[t] = static_cast<float>(std::min(dip, 1.0));
    if (dip <= config.max_aperiodicity && lag > 0.0) {
      const double f0 = sample_rate / lag;
      if (f0 >= config.min_hz && f0 <= config.max_hz) track.f0_hz[t] = static_cast<float>(f0);
    }
  }
  return track;
}

}  // namespace vox::voice
