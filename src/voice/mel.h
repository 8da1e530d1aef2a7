// Triangular mel filterbank over a power spectrum (HTK mel scale).
//
// Immutable after Create(); Apply() is const and thread-safe.
#pragma once

#include <span>
#include <vector>

#include "common/status.h"

namespace vox::voice {

double HzToMel(double hz);  // 2595 * log10(1 + hz / 700)
double MelToHz(double mel);

struct MelConfig {
  int num_bands = 40;
  int fft_size = 512;
  int sample_rate = 16000;
  double min_hz = 20.0;
  double max_hz = 7600.0;  // below Nyquist: codecs and resamplers roll off the top

  Status Validate() const;  // names the bad field
};

class MelFilterbank {
 public:
  static Result<MelFilterbank> Create(const MelConfig& config);

  int num_bands() const { return static_cast<int>(bands_.size()); }
  // Centre frequency of band `b` in Hz.
  double center_hz(int band) const { return centers_hz_[band]; }

  // Band energies of `power` (fft_size / 2 + 1 bins) into `energies`
  // (num_bands() values). Unnormalized triangles with peak 1.
  void Apply(std::span<const float> power, std::span<float> energies) const;

 private:
  struct Band {
    int first_bin = 0;
    std::vector<float> weights;  // weights for bins first_bin, first_bin + 1, ...
  };
  std::vector<Band> bands_;
  std::vector<double> centers_hz_;
};

}  // namespace vox::voice
