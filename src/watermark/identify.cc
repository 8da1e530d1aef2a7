#include "watermark/identify.h"

#include <cmath>

namespace vox::watermark {

double UpperGaussianQuantile(double p) {
  // Newton on 0.5 * erfc(z / sqrt 2) = p; the tail is convex for z > 0, so from
  // z = 1 the iterates rise monotonically to the root.
  double z = 1.0;
  for (int i = 0; i < 100; ++i) {
    const double tail = 0.5 * std::erfc(z / std::sqrt(2.0));
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
    const double step = (tail - p) / density;
    z += step;
    if (std::abs(step) < 1e-9) break;
  }
  return z;
}

Identification IdentifyAmong(const PayloadEvidence& evidence, std::span<const uint64_t> candidates,
                             const IdentifyOptions& options) {
  Identification result;
  double scale = 0;
  for (double b : evidence.bit_sum) scale += b * b;
  if (candidates.empty() || scale <= 0) return result;
  scale = std::sqrt(scale);
  result.threshold =
      UpperGaussianQuantile(options.false_rate / static_cast<double>(candidates.size()));
  int above = 0;
  for (size_t c = 0; c < candidates.size(); ++c) {
    const PayloadBits bits = EncodePayload(candidates[c]);
    double score = 0;
    for (int i = 0; i < kPayloadBits; ++i) score += bits[i] * evidence.bit_sum[i];
    score /= scale;
    if (score >= result.threshold) ++above;
    if (c == 0 || score > result.best_z) {
      result.best_z = score;
      if (score >= result.threshold) result.index = c;
    }
  }
  if (above != 1) result.index.reset();  // none, or ambiguous (two ids sharing the mark's bits)
  return result;
}

}  // namespace vox::watermark
