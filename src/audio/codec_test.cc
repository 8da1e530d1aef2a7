// Round trips through every output format: decode(encode(x)) keeps rate,
// duration and (lossless) samples or (lossy) the tone.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/loudness.h"
#include "audio/testing/test_signals.h"

namespace vox::audio {
namespace {

// A tone plus a little noise: exercises every sample value path without
// being trivially compressible.
PcmBuffer TestSignal(int rate, double seconds, double hz = 440.0) {
  PcmBuffer p = Sine(rate, hz, seconds, 0.5);
  std::mt19937 rng(rate);
  std::uniform_real_distribution<float> noise(-0.01f, 0.01f);
  for (float& s : p.samples) s += noise(rng);
  return p;
}

Result<PcmBuffer> DecodeAs(Format format, const std::string& bytes, int rate, int channels = 1) {
  if (format == Format::kPcm) return DecodeRawPcm(bytes, rate, channels);
  return Decode(bytes);
}

struct Case {
  Format format;
  int rate;
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return std::string(FormatName(info.param.format)) + "_" + std::to_string(info.param.rate);
}

class AudioLosslessRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(AudioLosslessRoundTrip, SamplesMatchWithinOneLsb) {
  const auto [format, rate] = GetParam();
  const PcmBuffer in = TestSignal(rate, 0.5);
  EncodeOptions options;
  options.format = format;
  auto bytes = Encode(in, options);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  if (format == Format::kPcm) {
    EXPECT_EQ(bytes->size(), in.samples.size() * 2);
  }
  auto out = DecodeAs(format, *bytes, rate);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->sample_rate, rate);
  EXPECT_EQ(out->channels, 1);
  ASSERT_EQ(out->frames(), in.frames());
  double worst = 0.0;
  for (std::size_t i = 0; i < in.samples.size(); ++i) {
    worst = std::max(worst, std::fabs(static_cast<double>(out->samples[i]) - in.samples[i]));
  }
  EXPECT_LE(worst, 1.0 / 32768.0);
}

INSTANTIATE_TEST_SUITE_P(Formats, AudioLosslessRoundTrip,
                         ::testing::Values(Case{Format::kWav, 8000}, Case{Format::kWav, 16000},
                                           Case{Format::kWav, 22050}, Case{Format::kWav, 44100},
                                           Case{Format::kWav, 48000}, Case{Format::kFlac, 8000},
                                           Case{Format::kFlac, 16000}, Case{Format::kFlac, 22050},
                                           Case{Format::kFlac, 44100}, Case{Format::kFlac, 48000},
                                           Case{Format::kPcm, 8000}, Case{Format::kPcm, 16000},
                                           Case{Format::kPcm, 22050}, Case{Format::kPcm, 44100},
                                           Case{Format::kPcm, 48000}),
                         CaseName);

class AudioLossyRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(AudioLossyRoundTrip, KeepsRateDurationAndTone) {
  const auto [format, rate] = GetParam();
  const double hz = 700.0;
  const PcmBuffer in = TestSignal(rate, 1.0, hz);
  EncodeOptions options;
  options.format = format;
  auto bytes = Encode(in, options);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_EQ(SniffContainer(*bytes), format == Format::kMp3 ? "mp3" : "ogg");
  auto out = Decode(*bytes);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->sample_rate, rate);
  // Codec padding may add or drop a few tens of ms; libsndfile's gapless
  // MP3 (LAME tag) and Opus (pre-skip) handling usually makes it exact.
  EXPECT_NEAR(out->duration_s(), in.duration_s(), 0.03);
  EXPECT_NEAR(testing::ZeroCrossingHz(*out), hz, 3.0);
  EXPECT_GT(testing::ToneFraction(*out, hz), 0.8);
  EXPECT_NEAR(Rms(*out), Rms(in), 0.05);
}

INSTANTIATE_TEST_SUITE_P(Formats, AudioLossyRoundTrip,
                         ::testing::Values(Case{Format::kMp3, 8000}, Case{Format::kMp3, 16000},
                                           Case{Format::kMp3, 22050}, Case{Format::kMp3, 44100},
                                           Case{Format::kMp3, 48000}, Case{Format::kOpus, 8000},
                                           Case{Format::kOpus, 16000}, Case{Format::kOpus, 24000},
                                           Case{Format::kOpus, 48000}),
                         CaseName);

TEST(AudioCodec, OpusResamplesUnsupportedInputRateUpward) {
  const PcmBuffer in = TestSignal(22050, 1.0, 500.0);
  EncodeOptions options;
  options.format = Format::kOpus;
  auto bytes = Encode(in, options);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  auto out = Decode(*bytes);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sample_rate, 24000);
  EXPECT_NEAR(out->duration_s(), 1.0, 0.03);
  EXPECT_NEAR(testing::ZeroCrossingHz(*out), 500.0, 3.0);
}

TEST(AudioCodec, ExplicitUnsupportedOpusRateIsAnError) {
  EncodeOptions options;
  options.format = Format::kOpus;
  options.sample_rate = 44100;
  auto bytes = Encode(TestSignal(44100, 0.1), options);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().field, "sample_rate");
}

TEST(AudioCodec, ExplicitRateResamplesLosslessOutput) {
  EncodeOptions options;
  options.format = Format::kFlac;
  options.sample_rate = 16000;
  auto bytes = Encode(TestSignal(22050, 1.0, 1000.0), options);
  ASSERT_TRUE(bytes);
  auto out = Decode(*bytes);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sample_rate, 16000);
  EXPECT_EQ(out->frames(), 16000u);
  EXPECT_NEAR(testing::ZeroCrossingHz(*out), 1000.0, 2.0);
}

TEST(AudioCodec, Mp3BitrateSetsFileSize) {
  struct {
    int rate, kbps;
  } cases[] = {{44100, 128}, {44100, 64}, {22050, 64}, {24000, 32}, {16000, 48}, {8000, 16}};
  for (const auto& c : cases) {
    EncodeOptions options;
    options.format = Format::kMp3;
    options.bitrate_kbps = c.kbps;
    auto bytes = Encode(TestSignal(c.rate, 4.0), options);
    ASSERT_TRUE(bytes);
    const double kbps = bytes->size() * 8.0 / 4.0 / 1000.0;
    EXPECT_NEAR(kbps, c.kbps, c.kbps * 0.06) << c.rate << " Hz";
  }
}

TEST(AudioCodec, OpusBitrateSetsFileSize) {
  for (int kbps : {16, 32, 64}) {
    EncodeOptions options;
    options.format = Format::kOpus;
    options.bitrate_kbps = kbps;
    auto bytes = Encode(TestSignal(48000, 4.0), options);
    ASSERT_TRUE(bytes);
    const double actual = bytes->size() * 8.0 / 4.0 / 1000.0;
    EXPECT_NEAR(actual, kbps, kbps * 0.3) << kbps;  // VBR plus Ogg overhead
  }
}

TEST(AudioCodec, StereoRoundTrips) {
  PcmBuffer st{44100, 2, {}};
  const PcmBuffer l = Sine(44100, 300.0, 0.5, 0.5);
  for (float s : l.samples) {
    st.samples.push_back(s);
    st.samples.push_back(-s);
  }
  for (Format f : {Format::kWav, Format::kFlac, Format::kMp3, Format::kOpus}) {
    EncodeOptions options;
    options.format = f;
    auto bytes = Encode(st, options);
    ASSERT_TRUE(bytes) << FormatName(f);
    auto out = Decode(*bytes);
    ASSERT_TRUE(out) << FormatName(f);
    EXPECT_EQ(out->channels, 2) << FormatName(f);
    // The channels stay inverted copies of each other: nothing was mixed.
    double corr = 0.0;
    for (std::size_t i = 0; i < out->frames(); ++i) {
      corr += out->samples[2 * i] * out->samples[2 * i + 1];
    }
    EXPECT_LT(corr, 0.0) << FormatName(f);
  }
}

TEST(AudioCodec, LoudnessTargetAppliesBeforeEncoding) {
  EncodeOptions options;
  options.format = Format::kWav;
  options.target_lufs = -16.0;
  auto bytes = Encode(Sine(24000, 440.0, 3.0, 0.05), options);
  ASSERT_TRUE(bytes);
  auto out = Decode(*bytes);
  ASSERT_TRUE(out);
  EXPECT_NEAR(*MeasureLufs(*out), -16.0, 0.5);
}

TEST(AudioCodec, ClipsInsteadOfWrapping) {
  PcmBuffer loud{16000, 1, {1.5f, -1.5f, 0.999f, -1.0f}};
  auto bytes = Encode(loud, {});
  ASSERT_TRUE(bytes);
  auto out = Decode(*bytes);
  ASSERT_TRUE(out);
  EXPECT_NEAR(out->samples[0], 32767.0 / 32768.0, 1e-6);
  EXPECT_NEAR(out->samples[1], -1.0, 1e-6);
}

TEST(AudioCodec, EmptyBufferEncodesToAValidEmptyFile) {
  for (Format f : {Format::kWav, Format::kFlac, Format::kMp3, Format::kOpus, Format::kPcm}) {
    EncodeOptions options;
    options.format = f;
    auto bytes = Encode(Silence(16000, 0.0), options);
    ASSERT_TRUE(bytes) << FormatName(f) << ": " << bytes.error().ToString();
    if (f == Format::kPcm) {
      EXPECT_TRUE(bytes->empty());
    }
    if (f == Format::kWav) {
      EXPECT_EQ(bytes->size(), 44u);
    }
  }
}

TEST(AudioCodec, RejectsMalformedBuffers) {
  EXPECT_EQ(Encode(PcmBuffer{0, 1, {0.1f}}, {}).error().field, "audio");
  EXPECT_EQ(Encode(PcmBuffer{16000, 0, {0.1f}}, {}).error().field, "audio");
  EXPECT_EQ(Encode(PcmBuffer{16000, 2, {0.1f}}, {}).error().field, "audio");
  EncodeOptions mp3;
  mp3.format = Format::kMp3;
  PcmBuffer quad{16000, 4, std::vector<float>(400, 0.0f)};
  EXPECT_EQ(Encode(quad, mp3).error().field, "channels");
}

}  // namespace
}  // namespace vox::audio
