// Naming the job of a mark whose payload is too faint to decode on its own.
//
// Decoding needs every one of the 80 payload bits right (the CRC), about 150 s
// of speech. Checking a few known ids needs far less: the ids of the jobs this
// installation made are the candidates, and each is scored by how well its
// bits agree with the soft evidence, sum(bit * bit_sum) / sqrt(sum(bit_sum^2)).
// For an id that is not the mark's, that score has mean 0 and variance 1 over
// random ids (the CRC bits are linear in the id bits, so every pair of bits is
// uncorrelated), so a candidate is named only when it clears the Gaussian
// quantile of false_rate / candidates and no other candidate does: with more
// candidates the bar rises, and the chance of naming a wrong job stays
// under false_rate per file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "watermark/payload.h"

namespace vox::watermark {

struct IdentifyOptions {
  double false_rate = 1e-6;  // bound on naming a wrong job, per file
};

struct Identification {
  std::optional<size_t> index;  // into the candidates, when one is named
  double best_z = 0;            // the best candidate's score
  double threshold = 0;         // what a score had to reach
};

// Scores `candidates` (payload ids, watermark::PayloadId) against `evidence`.
Identification IdentifyAmong(const PayloadEvidence& evidence, std::span<const uint64_t> candidates,
                             const IdentifyOptions& options = {});

// The z whose upper Gaussian tail is `p` (0 < p < 0.5), for thresholds.
double UpperGaussianQuantile(double p);

}  // namespace vox::watermark
