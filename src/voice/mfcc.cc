#include "voice/mfcc.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vox::voice {

Dct::Dct(int input_size, int num_coeffs)
    : input_size_(input_size), num_coeffs_(std::min(num_coeffs, input_size)) {
  basis_.resize(static_cast<std::size_t>(num_coeffs_) * input_size_);
  for (int k = 0; k < num_coeffs_; ++k) {
    const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / input_size_);
    for (int n = 0; n < input_size_; ++n) {
      basis_[static_cast<std::size_t>(k) * input_size_ + n] =
          static_cast<float>(scale * std::cos(std::numbers::pi * k * (n + 0.5) / input_size_));
    }
  }
}

void Dct::Apply(std::span<const float> input, std::span<float> output) const {
  for (int k = 0; k < num_coeffs_; ++k) {
    const float* row = &basis_[static_cast<std::size_t>(k) * input_size_];
    double sum = 0.0;
    for (int n = 0; n < input_size_; ++n) sum += row[n] * input[n];
    output[k] = static_cast<float>(sum);
  }
}

FrameMatrix Deltas(const FrameMatrix& features, int window) {
  FrameMatrix out(features.rows(), features.cols());
  const int rows = features.rows();
  if (rows == 0 || window < 1) return out;
  double denom = 0.0;
  for (int n = 1; n <= window; ++n) denom += 2.0 * n * n;
  for (int t = 0; t < rows; ++t) {
    auto dst = out.row(t);
    for (int n = 1; n <= window; ++n) {
      auto next = features.row(std::min(t + n, rows - 1));
      auto prev = features.row(std::max(t - n, 0));
      for (int c = 0; c < features.cols(); ++c)
        dst[c] += static_cast<float>(n * (next[c] - prev[c]));
    }
    for (int c = 0; c < features.cols(); ++c) dst[c] = static_cast<float>(dst[c] / denom);
  }
  return out;
}

}  // namespace vox::voice
