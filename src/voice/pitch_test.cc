#include "voice/pitch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "voice/testing/test_signals.h"

namespace vox::voice {
namespace {

double MedianVoiced(const PitchTrack& track) {
  std::vector<float> v;
  for (float f : track.f0_hz) {
    if (f > 0.0f) v.push_back(f);
  }
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// A harmonic complex with a weak fundamental, the case that fools naive
// spectral peak picking.
std::vector<float> Harmonics(double f0, double seconds, int rate = 16000) {
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  for (std::size_t n = 0; n < x.size(); ++n) {
    double s = 0.0;
    for (int h = 1; h <= 8; ++h) {
      s += (h == 1 ? 0.2 : 1.0 / h) * std::sin(2.0 * std::numbers::pi * f0 * h * n / rate);
    }
    x[n] = static_cast<float>(0.2 * s);
  }
  return x;
}

class PitchAccuracyTest : public ::testing::TestWithParam<double> {};

TEST_P(PitchAccuracyTest, HarmonicComplexWithinHalfPercent) {
  const double f0 = GetParam();
  const auto x = Harmonics(f0, 0.5);
  auto track = EstimatePitch(x, 16000, 160, 40);
  ASSERT_TRUE(track) << track.error().ToString();
  int voiced = 0;
  for (int t = 0; t < 40; ++t) {
    if (track->f0_hz[t] <= 0.0f) continue;
    ++voiced;
    EXPECT_NEAR(track->f0_hz[t], f0, 0.005 * f0) << "frame " << t;
  }
  EXPECT_GE(voiced, 35);
}

INSTANTIATE_TEST_SUITE_P(Range, PitchAccuracyTest,
                         ::testing::Values(65.0, 100.0, 137.5, 220.0, 310.0, 390.0));

TEST(PitchTest, PulseTrainThroughFormants) {
  for (double f0 : {90.0, 180.0, 260.0}) {
    audio::PcmBuffer pcm = testing::SyntheticSpeech(f0, 1.0, 3, 16000, 0.3, 0.1);
    const int frames = static_cast<int>(pcm.samples.size() / 160);
    auto track = EstimatePitch(pcm.samples, 16000, 160, frames);
    ASSERT_TRUE(track);
    EXPECT_NEAR(MedianVoiced(*track), f0, 0.01 * f0);
  }
}

TEST(PitchTest, NoiseAndSilenceAreUnvoiced) {
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  std::vector<float> x(16000);
  for (float& v : x) v = noise(rng);
  auto track = EstimatePitch(x, 16000, 160, 90);
  ASSERT_TRUE(track);
  int voiced = 0;
  for (float f : track->f0_hz) voiced += f > 0.0f;
  EXPECT_LE(voiced, 9);  // at most 10% spurious

  const std::vector<float> silence(16000, 0.0f);
  auto quiet = EstimatePitch(silence, 16000, 160, 90);
  ASSERT_TRUE(quiet);
  for (float f : quiet->f0_hz) EXPECT_EQ(f, 0.0f);
}

TEST(PitchTest, MaskSkipsFramesAndEdgesArePadded) {
  const auto x = Harmonics(150.0, 0.3);
  std::vector<bool> mask(40, false);
  mask[5] = true;
  mask[39] = true;  // runs past the end of the signal: zero-padded, no crash
  auto track = EstimatePitch(x, 16000, 160, 40, mask);
  ASSERT_TRUE(track);
  EXPECT_NEAR(track->f0_hz[5], 150.0, 1.0);
  EXPECT_EQ(track->f0_hz[6], 0.0f);
  EXPECT_EQ(track->aperiodicity[6], 1.0f);
}

TEST(PitchTest, RejectsBadConfig) {
  const std::vector<float> x(1000, 0.0f);
  PitchConfig config;
  config.max_hz = 5000.0;
  auto bad = EstimatePitch(x, 16000, 160, 5, {}, config);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "max_hz");
  EXPECT_FALSE(EstimatePitch(x, 16000, 160, 5, std::vector<bool>(3, true)));
  EXPECT_FALSE(EstimatePitch(x, 16000, 0, 5));
}

}  // namespace
}  // namespace vox::voice
