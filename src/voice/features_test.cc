// FFT, mel filterbank, DCT/deltas, framing and frame selection on signals
// whose right answers are known in closed form.
#include "voice/features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>

#include "audio/dsp.h"
#include "voice/fft.h"
#include "voice/mel.h"
#include "voice/mfcc.h"
#include "voice/speech_frames.h"

namespace vox::voice {
namespace {

TEST(RealFftTest, MatchesNaiveDft) {
  auto fft = RealFft::Create(64);
  ASSERT_TRUE(fft) << fft.error().ToString();
  std::mt19937 rng(7);
  std::normal_distribution<float> noise;
  std::vector<float> x(64);
  for (float& v : x) v = noise(rng);
  std::vector<float> power(fft->num_bins());
  fft->PowerSpectrum(x, power);
  for (int k = 0; k < fft->num_bins(); ++k) {
    std::complex<double> sum = 0.0;
    for (int n = 0; n < 64; ++n)
      sum += double(x[n]) * std::polar(1.0, -2.0 * std::numbers::pi * k * n / 64);
    EXPECT_NEAR(power[k], std::norm(sum), 1e-3 * (1.0 + std::norm(sum))) << "bin " << k;
  }
}

TEST(RealFftTest, RejectsBadSizes) {
  EXPECT_FALSE(RealFft::Create(0));
  EXPECT_FALSE(RealFft::Create(63));
  auto big = RealFft::Create(1 << 20);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().field, "fft_size");
}

TEST(MelFilterbankTest, ToneLandsInNearestBand) {
  auto mel = MelFilterbank::Create({});
  ASSERT_TRUE(mel) << mel.error().ToString();
  for (double hz : {300.0, 1000.0, 3000.0, 6000.0}) {
    std::vector<float> frame(512);
    for (int n = 0; n < 512; ++n) frame[n] = std::sin(2.0 * std::numbers::pi * hz * n / 16000);
    auto fft = RealFft::Create(512);
    std::vector<float> power(fft->num_bins()), bands(mel->num_bands());
    fft->PowerSpectrum(frame, power);
    mel->Apply(power, bands);
    int best = 0, nearest = 0;
    for (int b = 0; b < mel->num_bands(); ++b) {
      if (bands[b] > bands[best]) best = b;
      if (std::abs(mel->center_hz(b) - hz) < std::abs(mel->center_hz(nearest) - hz)) nearest = b;
    }
    EXPECT_LE(std::abs(best - nearest), 1) << hz << " Hz";
  }
}

TEST(MelFilterbankTest, RejectsBandsNarrowerThanABin) {
  MelConfig config;
  config.num_bands = 200;
  config.fft_size = 64;
  auto mel = MelFilterbank::Create(config);
  ASSERT_FALSE(mel);
  EXPECT_EQ(mel.error().field, "num_bands");
  config = {};
  config.max_hz = 9000.0;
  EXPECT_FALSE(MelFilterbank::Create(config));
}

TEST(DctTest, OrthonormalPreservesEnergy) {
  const Dct dct(40, 40);
  std::vector<float> x(40), c(40);
  for (int i = 0; i < 40; ++i) x[i] = std::sin(0.3 * i) + 0.1f * i;
  dct.Apply(x, c);
  double ex = 0.0, ec = 0.0;
  for (int i = 0; i < 40; ++i) ex += x[i] * x[i], ec += c[i] * c[i];
  EXPECT_NEAR(ex, ec, 1e-3 * ex);
  // A constant input has only c0.
  std::vector<float> flat(40, 2.0f);
  dct.Apply(flat, c);
  EXPECT_NEAR(c[0], 2.0 * std::sqrt(40.0), 1e-4);
  for (int i = 1; i < 40; ++i) EXPECT_NEAR(c[i], 0.0, 1e-4);
}

TEST(DeltasTest, SlopeOfARampAwayFromTheEdges) {
  FrameMatrix m(10, 2);
  for (int t = 0; t < 10; ++t) m.at(t, 0) = 3.0f * t, m.at(t, 1) = 5.0f;
  const FrameMatrix d = Deltas(m);
  for (int t = 2; t < 8; ++t) {
    EXPECT_NEAR(d.at(t, 0), 3.0, 1e-5);
    EXPECT_NEAR(d.at(t, 1), 0.0, 1e-6);
  }
}

TEST(PrepareAudioTest, RejectsBadBuffers) {
  audio::PcmBuffer empty{16000, 1, {}};
  EXPECT_EQ(PrepareAudio(empty).error().field, "audio");
  audio::PcmBuffer one_hz{1, 1, std::vector<float>(100, 0.1f)};
  EXPECT_FALSE(PrepareAudio(one_hz));
  audio::PcmBuffer ten_mhz{10'000'000, 1, std::vector<float>(100, 0.1f)};
  EXPECT_FALSE(PrepareAudio(ten_mhz));
  audio::PcmBuffer partial{16000, 2, std::vector<float>(101, 0.1f)};
  EXPECT_FALSE(PrepareAudio(partial));
  audio::PcmBuffer no_channels{16000, 0, std::vector<float>(100, 0.1f)};
  EXPECT_FALSE(PrepareAudio(no_channels));
}

TEST(PrepareAudioTest, DownmixesResamplesAndCleans) {
  audio::PcmBuffer stereo{44100, 2, {}};
  for (int i = 0; i < 44100; ++i) {
    const float s = 0.5f * std::sin(2.0 * std::numbers::pi * 440.0 * i / 44100);
    stereo.samples.push_back(s);
    stereo.samples.push_back(i == 100 ? std::numeric_limits<float>::quiet_NaN() : s);
  }
  auto mono = PrepareAudio(stereo);
  ASSERT_TRUE(mono) << mono.error().ToString();
  EXPECT_EQ(mono->sample_rate, kAnalysisRate);
  EXPECT_EQ(mono->channels, 1);
  EXPECT_NEAR(static_cast<double>(mono->frames()), 16000.0, 2.0);
  for (float s : mono->samples) ASSERT_TRUE(std::isfinite(s));
  EXPECT_NEAR(audio::Rms(*mono), 0.5 / std::sqrt(2.0), 0.01);
}

TEST(ExtractFeaturesTest, FrameCountAndLevels) {
  const audio::PcmBuffer sine = audio::Sine(kAnalysisRate, 1000.0, 1.0, 1.0);
  auto f = ExtractFeatures(sine);
  ASSERT_TRUE(f) << f.error().ToString();
  EXPECT_EQ(f->num_frames(), 1 + (16000 - 400) / 160);
  EXPECT_EQ(f->mfcc.cols(), 20);
  EXPECT_EQ(f->log_mel.cols(), 40);
  EXPECT_NEAR(f->energy_db[10], -3.01, 0.1);  // full-scale sine: mean square 1/2
  // Shorter than one frame: no frames, no error.
  auto tiny = ExtractFeatures(audio::Sine(kAnalysisRate, 1000.0, 0.01, 1.0));
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->num_frames(), 0);
}

TEST(SelectSpeechFramesTest, KeepsBurstsDropsGapsAndSilence) {
  std::vector<float> energy;
  for (int burst = 0; burst < 5; ++burst) {
    for (int i = 0; i < 20; ++i) energy.push_back(-20.0f + (i % 3));  // speech
    for (int i = 0; i < 20; ++i) energy.push_back(-70.0f);            // pause
  }
  const auto selected = SelectSpeechFrames(energy);
  for (std::size_t t = 0; t < energy.size(); ++t) EXPECT_EQ(selected[t], energy[t] > -30.0f) << t;
  EXPECT_EQ(SpeechRegionFrames(selected, 30), 5 * 20 + 4 * 20);  // 200 ms pauses count
  EXPECT_EQ(SpeechRegionFrames(selected, 10), 5 * 20);           // ... unless pauses are 100 ms+

  const std::vector<float> silence(100, -120.0f);
  for (bool b : SelectSpeechFrames(silence)) EXPECT_FALSE(b);
  EXPECT_EQ(SpeechRegionFrames(SelectSpeechFrames(silence), 30), 0);
}

TEST(SelectSpeechFramesTest, QuietRecordingStillSelectsItsSpeech) {
  std::vector<float> energy;
  for (int i = 0; i < 200; ++i) energy.push_back(i % 2 ? -45.0f : -58.0f);  // no true silence
  const auto selected = SelectSpeechFrames(energy);
  int count = 0;
  for (std::size_t t = 0; t < energy.size(); ++t) count += selected[t];
  EXPECT_EQ(count, 100);
}

}  // namespace
}  // namespace vox::voice
