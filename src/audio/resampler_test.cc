#include "audio/resampler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audio/dsp.h"
#include "audio/testing/test_signals.h"

namespace vox::audio {
namespace {

struct RatePair {
  int from, to;
};

class AudioResampleRates : public ::testing::TestWithParam<RatePair> {};

TEST_P(AudioResampleRates, PreservesDurationAndFrequency) {
  const auto [from, to] = GetParam();
  const PcmBuffer in = Sine(from, 1000.0, 1.5, 0.5);
  auto out = Resample(in, to);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->sample_rate, to);
  EXPECT_EQ(out->channels, 1);
  // soxr removes its own delay: exactly round(frames * ratio) frames come out.
  const double expected = std::round(1.5 * to);
  EXPECT_NEAR(static_cast<double>(out->frames()), expected, 1.0);
  EXPECT_NEAR(testing::ZeroCrossingHz(*out), 1000.0, 2.0);
  EXPECT_NEAR(Rms(*out), Rms(in), 0.01);
}

INSTANTIATE_TEST_SUITE_P(Rates, AudioResampleRates,
                         ::testing::Values(RatePair{22050, 16000}, RatePair{16000, 48000},
                                           RatePair{44100, 8000}, RatePair{48000, 22050},
                                           RatePair{24000, 44100}, RatePair{96000, 24000}));

TEST(AudioResampler, StreamingEqualsOneShotRegardlessOfChunking) {
  const PcmBuffer in = Sine(22050, 523.0, 2.0, 0.4);
  auto whole = Resample(in, 16000);
  ASSERT_TRUE(whole);
  auto r = Resampler::Create(22050, 16000, 1);
  ASSERT_TRUE(r);
  std::vector<float> out;
  std::size_t pos = 0;
  for (std::size_t chunk : {1u, 7u, 100u, 4096u, 333u, 20000u}) {
    chunk = std::min(chunk, in.samples.size() - pos);
    ASSERT_TRUE(r->Process(std::span(in.samples).subspan(pos, chunk), out));
    pos += chunk;
  }
  ASSERT_TRUE(r->Process(std::span(in.samples).subspan(pos), out));
  ASSERT_TRUE(r->Flush(out));
  ASSERT_EQ(out.size(), whole->samples.size());
  for (std::size_t i = 0; i < out.size(); ++i) ASSERT_FLOAT_EQ(out[i], whole->samples[i]) << i;
}

TEST(AudioResampler, StereoKeepsChannelsApart) {
  PcmBuffer left = Sine(44100, 300.0, 1.0, 0.5);
  PcmBuffer right = Sine(44100, 2000.0, 1.0, 0.5);
  PcmBuffer st{44100, 2, {}};
  for (std::size_t i = 0; i < left.frames(); ++i) {
    st.samples.push_back(left.samples[i]);
    st.samples.push_back(right.samples[i]);
  }
  auto out = Resample(st, 16000);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->channels, 2);
  PcmBuffer l{16000, 1, {}}, r{16000, 1, {}};
  for (std::size_t i = 0; i < out->frames(); ++i) {
    l.samples.push_back(out->samples[2 * i]);
    r.samples.push_back(out->samples[2 * i + 1]);
  }
  EXPECT_NEAR(testing::ZeroCrossingHz(l), 300.0, 1.0);
  EXPECT_NEAR(testing::ZeroCrossingHz(r), 2000.0, 3.0);
}

TEST(AudioResampler, SameRateIsACopy) {
  const PcmBuffer in = Sine(16000, 440.0, 0.1, 0.5);
  auto out = Resample(in, 16000);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->samples, in.samples);
}

TEST(AudioResampler, RejectsBadRatesNamingTheField) {
  const PcmBuffer in = Sine(16000, 440.0, 0.1, 0.5);
  for (int rate : {0, -1, 7999, 48001, 96000}) {
    auto out = Resample(in, rate);
    ASSERT_FALSE(out) << rate;
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(out.error().field, "sample_rate");
    EXPECT_NE(out.error().message.find("22050"), std::string::npos);
  }
  EXPECT_FALSE(Resampler::Create(10, 16000, 1));
  EXPECT_FALSE(Resampler::Create(16000, 22050, 0));
  EXPECT_FALSE(Resampler::Create(16000, 22050, 9));
  auto r = Resampler::Create(16000, 22050, 2);
  ASSERT_TRUE(r);
  std::vector<float> out;
  EXPECT_FALSE(r->Process(std::vector<float>{0.1f, 0.2f, 0.3f}, out));  // half a frame
}

}  // namespace
}  // namespace vox::audio
