#include "audio/loudness.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audio/dsp.h"

namespace vox::audio {
namespace {

// Speech-like test signal: a 200 Hz tone with harmonics, amplitude-modulated
// at 4 Hz so the level moves like syllables do.
PcmBuffer SpeechLike(int rate, double seconds, double amplitude) {
  PcmBuffer p = Silence(rate, seconds);
  for (std::size_t i = 0; i < p.samples.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double env = 0.6 + 0.4 * std::sin(2 * M_PI * 4 * t);
    const double x = std::sin(2 * M_PI * 200 * t) + 0.5 * std::sin(2 * M_PI * 400 * t) +
                     0.25 * std::sin(2 * M_PI * 800 * t);
    p.samples[i] = static_cast<float>(amplitude * env * x / 1.75);
  }
  return p;
}

TEST(AudioLoudness, FullScaleSineMeasuresAboutMinus3Lufs) {
  // BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LUFS.
  auto lufs = MeasureLufs(Sine(48000, 997.0, 3.0, 1.0));
  ASSERT_TRUE(lufs);
  EXPECT_NEAR(*lufs, -3.01, 0.1);
  auto quieter = MeasureLufs(Sine(48000, 997.0, 3.0, 0.1));
  EXPECT_NEAR(*quieter, -23.01, 0.1);
}

TEST(AudioLoudness, SilenceIsMinusInfinityAndLeftAlone) {
  auto lufs = MeasureLufs(Silence(16000, 2.0));
  ASSERT_TRUE(lufs);
  EXPECT_TRUE(std::isinf(*lufs) && *lufs < 0);
  PcmBuffer s = Silence(16000, 2.0);
  auto gain = NormalizeLoudness(s, -16.0);
  ASSERT_TRUE(gain);
  EXPECT_EQ(*gain, 0.0);
  EXPECT_EQ(PeakAbs(s), 0.0);
}

class AudioNormalizeRates : public ::testing::TestWithParam<int> {};

TEST_P(AudioNormalizeRates, HitsTargetWithinHalfLu) {
  for (double amplitude : {0.02, 0.1, 0.3}) {
    PcmBuffer p = SpeechLike(GetParam(), 4.0, amplitude);
    auto gain = NormalizeLoudness(p, -16.0, -1.0);
    ASSERT_TRUE(gain);
    auto after = MeasureLufs(p);
    ASSERT_TRUE(after);
    EXPECT_NEAR(*after, -16.0, 0.5) << "amplitude " << amplitude << " gain " << *gain;
  }
}

INSTANTIATE_TEST_SUITE_P(Rates, AudioNormalizeRates, ::testing::Values(8000, 16000, 22050, 48000));

TEST(AudioLoudness, PeakCeilingWinsOverTarget) {
  // A sparse click train is quiet in LUFS but peaky: reaching -16 LUFS would
  // clip, so the gain stops at the -1 dBTP ceiling.
  PcmBuffer p = Silence(48000, 3.0);
  for (std::size_t i = 0; i < p.samples.size(); i += 4800) p.samples[i] = 0.5f;
  auto gain = NormalizeLoudness(p, -16.0, -1.0);
  ASSERT_TRUE(gain);
  EXPECT_LE(PeakAbs(p), DbToGain(-1.0) + 1e-3);
  auto after = MeasureLufs(p);
  ASSERT_TRUE(after);
  EXPECT_LT(*after, -17.0);
}

TEST(AudioLoudness, GainFormula) {
  EXPECT_DOUBLE_EQ(LoudnessGainDb(-26.0, -12.0, -16.0, -1.0), 10.0);
  EXPECT_DOUBLE_EQ(LoudnessGainDb(-26.0, -3.0, -16.0, -1.0), 2.0);  // capped by peak
  EXPECT_DOUBLE_EQ(LoudnessGainDb(-10.0, -1.0, -16.0, -1.0), -6.0);
  EXPECT_DOUBLE_EQ(LoudnessGainDb(-HUGE_VAL, -HUGE_VAL, -16.0, -1.0), 0.0);
}

TEST(AudioLoudness, StreamingMeterMatchesOneShot) {
  PcmBuffer p = SpeechLike(22050, 5.0, 0.2);
  auto meter = LoudnessMeter::Create(22050, 1);
  ASSERT_TRUE(meter);
  for (std::size_t pos = 0; pos < p.samples.size(); pos += 1000) {
    const std::size_t n = std::min<std::size_t>(1000, p.samples.size() - pos);
    ASSERT_TRUE(meter->Add(std::span(p.samples).subspan(pos, n)));
  }
  EXPECT_NEAR(meter->IntegratedLufs(), *MeasureLufs(p), 1e-9);
}

TEST(AudioLoudness, RejectsBadArguments) {
  PcmBuffer p = Sine(16000, 440, 1.0, 0.5);
  EXPECT_EQ(NormalizeLoudness(p, 0.0).error().field, "target_lufs");
  EXPECT_EQ(NormalizeLoudness(p, -16.0, 2.0).error().field, "peak_limit_dbfs");
  PcmBuffer bad{0, 1, {0.1f}};
  EXPECT_EQ(MeasureLufs(bad).error().field, "audio");
  EXPECT_FALSE(LoudnessMeter::Create(16000, 0));
}

}  // namespace
}  // namespace vox::audio
