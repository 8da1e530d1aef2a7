#include "voice/formants.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "voice/lpc.h"
#include "voice/testing/test_signals.h"

namespace vox::voice {
namespace {

TEST(LpcTest, RecoversAnAutoregressiveProcess) {
  // x[n] = 1.3 x[n-1] - 0.6 x[n-2] + e[n]  =>  A(z) = 1 - 1.3 z^-1 + 0.6 z^-2
  std::mt19937 rng(11);
  std::normal_distribution<double> noise;
  std::vector<double> x(20000, 0.0);
  for (std::size_t n = 2; n < x.size(); ++n) x[n] = 1.3 * x[n - 1] - 0.6 * x[n - 2] + noise(rng);
  const auto a = Lpc(x, 2);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_NEAR(a[1], -1.3, 0.02);
  EXPECT_NEAR(a[2], 0.6, 0.02);
  EXPECT_TRUE(Lpc(std::vector<double>(100, 0.0), 10).empty());  // silence
  EXPECT_TRUE(Lpc(std::vector<double>(5, 1.0), 10).empty());    // too short
}

TEST(PolynomialRootsTest, KnownRoots) {
  // (z - 0.5)(z + 0.25)(z^2 - 2*0.9*cos(1) z + 0.81)
  const double c = 2 * 0.9 * std::cos(1.0);
  // Expand: (z^2 - 0.25 z - 0.125)(z^2 - c z + 0.81)
  const std::vector<double> p = {1.0, -c - 0.25, 0.81 + 0.25 * c - 0.125, -0.25 * 0.81 + 0.125 * c,
                                 -0.125 * 0.81};
  auto roots = PolynomialRoots(p);
  ASSERT_EQ(roots.size(), 4u);
  auto has = [&](std::complex<double> want) {
    for (auto z : roots) {
      if (std::abs(z - want) < 1e-8) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(0.5));
  EXPECT_TRUE(has(-0.25));
  EXPECT_TRUE(has(std::polar(0.9, 1.0)));
  EXPECT_TRUE(has(std::polar(0.9, -1.0)));
  EXPECT_TRUE(PolynomialRoots(std::vector<double>{0.0, 1.0}).empty());
}

TEST(FormantsTest, FindsTheResonancesOfASyntheticVowel) {
  testing::VowelSpec v;
  v.formants_hz = {600.0, 1700.0, 2600.0, 3600.0, 4600.0};
  std::vector<float> x;
  testing::AppendVowel(v, 16000, x);
  const auto formants = FrameFormants(std::span<const float>(x).subspan(1600, 400), 16000);
  ASSERT_GE(formants.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(formants[i], v.formants_hz[i], 0.06 * v.formants_hz[i]);
}

TEST(FormantsTest, UniformTubeGivesReferenceLength) {
  EXPECT_NEAR(VocalTractLengthCm({500.0, 1500.0, 2500.0, 3500.0}), 17.5, 1e-9);
  EXPECT_NEAR(VocalTractLengthCm({600.0, 1800.0, 3000.0, 4200.0}), 17.5 / 1.2, 1e-9);
  EXPECT_EQ(VocalTractLengthCm({500.0, 0.0, 2500.0, 3500.0}), 0.0);
}

std::vector<double> TubeEnvelope(double scale) {
  std::vector<double> formants, bandwidths;
  for (int i = 1; i <= 7; ++i) {
    formants.push_back((2 * i - 1) * 500.0 * scale);
    bandwidths.push_back(60.0 + 25.0 * i);  // not the reference's: shape differs a little
  }
  return AllPoleEnvelopeDb(formants, bandwidths, 16000);
}

TEST(EnvelopeScaleTest, RecoversTheScaleOfAScaledTube) {
  for (double scale : {0.8, 1.0, 1.1, 1.25, 1.5}) {
    EXPECT_NEAR(EnvelopeScale(TubeEnvelope(scale), 300.0, 5000.0), scale, 0.01 * scale) << scale;
  }
  // A tilt (recording channel, voice quality) does not move it.
  auto tilted = TubeEnvelope(1.2);
  for (int k = 0; k < kEnvelopeBins; ++k) tilted[k] += 0.05 * k;
  EXPECT_NEAR(EnvelopeScale(tilted, 300.0, 5000.0), 1.2, 0.012);
  // Telephone band only: still found from 300..3400 Hz.
  EXPECT_NEAR(EnvelopeScale(TubeEnvelope(1.1), 300.0, 3400.0), 1.1, 0.02);
}

TEST(EnvelopeScaleTest, FlatOrTooNarrowIsUnknown) {
  EXPECT_EQ(EnvelopeScale(std::vector<double>(kEnvelopeBins, -3.0), 300.0, 5000.0), 0.0);
  EXPECT_EQ(EnvelopeScale(TubeEnvelope(1.0), 1000.0, 1500.0), 0.0);
  EXPECT_EQ(EnvelopeScale(std::vector<double>(10, 0.0), 300.0, 5000.0), 0.0);
}

FormantEstimate EstimateSynthetic(double scale) {
  const audio::PcmBuffer pcm = testing::SyntheticSpeech(130.0, scale, 9, 16000, 0.15, 0.1, true);
  const std::vector<bool> mask(pcm.samples.size() / 160, true);
  auto estimate = EstimateFormants(pcm.samples, 16000, 160, mask, 16000);
  EXPECT_TRUE(estimate);
  return estimate ? *estimate : FormantEstimate{};
}

TEST(FormantsTest, ScaleFollowsAScaledVocalTract) {
  // Schwas of a uniform tube scaled by `scale` (bandwidths differ from the
  // reference's, and pulses add a source spectrum, so allow a few percent).
  const FormantEstimate base = EstimateSynthetic(1.0);
  ASSERT_TRUE(base.known());
  EXPECT_NEAR(base.formant_scale, 1.0, 0.05);
  EXPECT_NEAR(base.vocal_tract_cm, kReferenceVocalTractCm / base.formant_scale, 1e-9);
  for (double scale : {0.9, 1.15, 1.3}) {
    const FormantEstimate e = EstimateSynthetic(scale);
    ASSERT_TRUE(e.known()) << scale;
    EXPECT_NEAR(e.formant_scale, scale, 0.05 * scale) << scale;
  }
}

TEST(FormantsTest, NothingVoicedMeansUnknown) {
  const std::vector<float> silence(16000, 0.0f);
  auto estimate = EstimateFormants(silence, 16000, 160, std::vector<bool>(90, true), 16000);
  ASSERT_TRUE(estimate);
  EXPECT_FALSE(estimate->known());
  EXPECT_EQ(estimate->formant_scale, 0.0);
  EXPECT_EQ(estimate->vocal_tract_cm, 0.0);
  FormantConfig bad;
  bad.lpc_order = 2;
  EXPECT_FALSE(EstimateFormants(silence, 16000, 160, {}, 16000, bad));
}

}  // namespace
}  // namespace vox::voice
