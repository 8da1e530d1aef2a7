#include "voice/mel.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace vox::voice {

double HzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double MelToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

Status MelConfig::Validate() const {
  if (num_bands < 1 || num_bands > 256) {
    return InvalidArgument("num_bands must be in 1..256", "num_bands");
  }
  if (fft_size < 16 || fft_size % 2 != 0) {
    return InvalidArgument("fft_size must be even and >= 16", "fft_size");
  }
  if (sample_rate < 1000) return InvalidArgument("sample_rate must be >= 1000", "sample_rate");
  if (!(min_hz >= 0.0) || !(max_hz > min_hz) || max_hz > sample_rate / 2.0) {
    return InvalidArgument("need 0 <= min_hz < max_hz <= sample_rate / 2", "max_hz");
  }
  return {};
}

Result<MelFilterbank> MelFilterbank::Create(const MelConfig& config) {
  VOX_RETURN_IF_ERROR(config.Validate());
  const int num_bins = config.fft_size / 2 + 1;
  const double bin_hz = static_cast<double>(config.sample_rate) / config.fft_size;
  const double mel_lo = HzToMel(config.min_hz);
  const double mel_hi = HzToMel(config.max_hz);
  const double mel_step = (mel_hi - mel_lo) / (config.num_bands + 1);

  MelFilterbank bank;
  for (int b = 0; b < config.num_bands; ++b) {
    const double left = mel_lo + b * mel_step;
    const double center = left + mel_step;
    const double right = center + mel_step;
    Band band;
    band.first_bin = -1;
    for (int k = 0; k < num_bins; ++k) {
      const double mel = HzToMel(k * bin_hz);
      double w = 0.0;
      if (mel > left && mel <= center) {
        w = (mel - left) / (center - left);
      } else if (mel > center && mel < right) {
        w = (right - mel) / (right - center);
      }
      if (w <= 0.0) {
        if (band.first_bin >= 0) break;  // past the triangle
        continue;
      }
      if (band.first_bin < 0) band.first_bin = k;
      band.weights.push_back(static_cast<float>(w));
    }
    if (band.first_bin < 0) {
      // Too many bands for this FFT size: a band falls between two bins.
      return InvalidArgument(
          "mel band " + std::to_string(b) + " covers no FFT bin; use fewer bands or a larger FFT",
          "num_bands");
    }
    bank.bands_.push_back(std::move(band));
    bank.centers_hz_.push_back(MelToHz(center));
  }
  return bank;
}

void MelFilterbank::Apply(std::span<const float> power, std::span<float> energies) const {
  for (std::size_t b = 0; b < bands_.size(); ++b) {
    const Band& band = bands_[b];
    double sum = 0.0;
    for (std::size_t i = 0; i < band.weights.size(); ++i) {
      sum += band.weights[i] * power[band.first_bin + i];
    }
    energies[b] = static_cast<float>(sum);
  }
}

}  // namespace vox::voice
