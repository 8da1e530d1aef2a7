// Cepstra and their time derivatives.
#pragma once

#include <span>
#include <vector>

#include "voice/frame_matrix.h"

namespace vox::voice {

// Orthonormal DCT-II of `input`, first `num_coeffs` coefficients (c0 first).
// Orthonormal so that cepstral distances equal log-spectral distances.
class Dct {
 public:
  Dct(int input_size, int num_coeffs);
  int input_size() const { return input_size_; }
  int num_coeffs() const { return num_coeffs_; }
  void Apply(std::span<const float> input, std::span<float> output) const;

 private:
  int input_size_;
  int num_coeffs_;
  std::vector<float> basis_;  // num_coeffs x input_size
};

// Regression deltas over +-`window` frames (the HTK/Kaldi formula); edges
// repeat the first/last frame. Same shape as `features`.
FrameMatrix Deltas(const FrameMatrix& features, int window = 2);

}  // namespace vox::voice
