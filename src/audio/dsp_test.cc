#include "audio/dsp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "audio/testing/test_signals.h"

namespace vox::audio {
namespace {

TEST(AudioDsp, SineHasExpectedLevelsAndFrequency) {
  PcmBuffer s = Sine(16000, 440.0, 1.0, 0.5);
  EXPECT_EQ(s.sample_rate, 16000);
  EXPECT_EQ(s.channels, 1);
  EXPECT_EQ(s.frames(), 16000u);
  EXPECT_NEAR(PeakAbs(s), 0.5, 1e-3);
  EXPECT_NEAR(Rms(s), 0.5 / std::sqrt(2.0), 1e-3);
  EXPECT_NEAR(testing::ZeroCrossingHz(s), 440.0, 1.0);
  EXPECT_GT(testing::ToneFraction(s, 440.0), 0.95);
  EXPECT_LT(testing::ToneFraction(s, 1000.0), 0.01);
}

TEST(AudioDsp, SilenceAndEmpty) {
  PcmBuffer z = Silence(8000, 0.25);
  EXPECT_EQ(z.frames(), 2000u);
  EXPECT_EQ(Rms(z), 0.0);
  EXPECT_EQ(PeakAbs(z), 0.0);
  EXPECT_TRUE(Silence(8000, -1).empty());
  EXPECT_EQ(Rms(PcmBuffer{}), 0.0);
}

TEST(AudioDsp, ToMonoAveragesChannels) {
  PcmBuffer st{8000, 2, {1.0f, 0.0f, 0.5f, -0.5f, -1.0f, -1.0f}};
  PcmBuffer m = ToMono(st);
  EXPECT_EQ(m.channels, 1);
  EXPECT_EQ(m.sample_rate, 8000);
  ASSERT_EQ(m.samples.size(), 3u);
  EXPECT_FLOAT_EQ(m.samples[0], 0.5f);
  EXPECT_FLOAT_EQ(m.samples[1], 0.0f);
  EXPECT_FLOAT_EQ(m.samples[2], -1.0f);
  PcmBuffer already{8000, 1, {0.25f}};
  EXPECT_EQ(ToMono(already).samples, already.samples);
}

TEST(AudioDsp, ApplyGainClampsAndScrubsNonFinite) {
  PcmBuffer p{8000, 1, {0.25f, -0.75f, std::numeric_limits<float>::quiet_NaN(), 0.5f}};
  ApplyGain(p, 2.0);
  EXPECT_FLOAT_EQ(p.samples[0], 0.5f);
  EXPECT_FLOAT_EQ(p.samples[1], -1.0f);
  EXPECT_FLOAT_EQ(p.samples[2], 0.0f);
  EXPECT_FLOAT_EQ(p.samples[3], 1.0f);
  EXPECT_NEAR(DbToGain(-6.0206), 0.5, 1e-4);
}

TEST(AudioDsp, Pcm16ConversionIsExactForRepresentableValues) {
  for (int v : {-32768, -12345, -1, 0, 1, 777, 32767}) {
    const auto s = static_cast<std::int16_t>(v);
    EXPECT_EQ(FloatToPcm16(Pcm16ToFloat(s)), s);
  }
  EXPECT_EQ(FloatToPcm16(1.0f), 32767);
  EXPECT_EQ(FloatToPcm16(-1.0f), -32768);
  EXPECT_EQ(FloatToPcm16(5.0f), 32767);
  EXPECT_EQ(FloatToPcm16(std::numeric_limits<float>::infinity()), 0);
}

}  // namespace
}  // namespace vox::audio
