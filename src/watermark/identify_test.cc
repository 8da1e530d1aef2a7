// Matching known ids against a payload's soft evidence (identify.h), on synthetic evidence
// whose per-bit signal-to-noise ratio is set by the test.
#include "watermark/identify.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace vox::watermark {
namespace {

// Evidence of `id` at `snr` per bit (mean snr * bit, unit noise).
PayloadEvidence Evidence(uint64_t id, double snr, std::mt19937_64& rng) {
  std::normal_distribution<double> noise;
  const PayloadBits bits = EncodePayload(id);
  PayloadEvidence e;
  for (int i = 0; i < kPayloadBits; ++i) e.bit_sum[i] = snr * bits[i] + noise(rng);
  return e;
}

std::vector<uint64_t> RandomIds(size_t n, std::mt19937_64& rng) {
  std::vector<uint64_t> ids(n);
  for (auto& id : ids) id = rng();
  return ids;
}

TEST(WatermarkIdentifyTest, GaussianQuantiles) {
  EXPECT_NEAR(UpperGaussianQuantile(0.5 * std::erfc(3.0 / std::sqrt(2.0))), 3.0, 1e-6);
  EXPECT_NEAR(UpperGaussianQuantile(0.5 * std::erfc(5.0 / std::sqrt(2.0))), 5.0, 1e-6);
  EXPECT_NEAR(UpperGaussianQuantile(1e-12), 7.0345, 1e-3);
}

// The claim the threshold rests on: for ids other than the mark's, the score has mean 0 and
// variance 1 whatever the evidence (the CRC bits are linear in the id bits).
TEST(WatermarkIdentifyTest, AWrongIdScoresAsAStandardNormal) {
  std::mt19937_64 rng(7);
  const PayloadEvidence e = Evidence(0x1234, 1.5, rng);
  double norm = 0;
  for (double b : e.bit_sum) norm += b * b;
  norm = std::sqrt(norm);
  double sum = 0, sum2 = 0;
  const int n = 20000;
  for (uint64_t id : RandomIds(n, rng)) {
    const PayloadBits bits = EncodePayload(id);
    double s = 0;
    for (int i = 0; i < kPayloadBits; ++i) s += bits[i] * e.bit_sum[i];
    s /= norm;
    sum += s;
    sum2 += s * s;
  }
  const double mean = sum / n, variance = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(variance, 1.0, 0.05);
}

// At a per-bit SNR of 1.5 (about 5 of 80 bits read wrong: the CRC fails), the mark's id is
// named among 100,000 candidates; without it among them, nothing is named.
TEST(WatermarkIdentifyTest, NamesTheMarksIdWhereTheCrcCannot) {
  std::mt19937_64 rng(11);
  int named = 0, wrong = 0, crc_read = 0;
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<uint64_t> candidates = RandomIds(100'000, rng);
    const size_t truth = rng() % candidates.size();
    const PayloadEvidence e = Evidence(candidates[truth], 1.5, rng);
    PayloadBits decided{};
    for (int i = 0; i < kPayloadBits; ++i) decided[i] = e.bit_sum[i] >= 0 ? 1 : -1;
    crc_read += DecodePayload(decided).has_value();
    const Identification found = IdentifyAmong(e, candidates);
    named += found.index == truth;
    wrong += found.index && *found.index != truth;
    candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(truth));
    wrong += IdentifyAmong(e, candidates).index.has_value();
  }
  EXPECT_GE(named, 18);
  EXPECT_EQ(wrong, 0);
  EXPECT_LE(crc_read, 2);
}

TEST(WatermarkIdentifyTest, TheBarRisesWithTheCandidatesAndNothingIsNamedFromNothing) {
  std::mt19937_64 rng(3);
  const PayloadEvidence e = Evidence(42, 1.0, rng);
  const std::vector<uint64_t> few = {42, 7}, many = RandomIds(1'000'000, rng);
  EXPECT_LT(IdentifyAmong(e, few).threshold, IdentifyAmong(e, many).threshold);
  EXPECT_FALSE(IdentifyAmong(PayloadEvidence{}, few).index.has_value());
  EXPECT_FALSE(IdentifyAmong(e, {}).index.has_value());
}

}  // namespace
}  // namespace vox::watermark
