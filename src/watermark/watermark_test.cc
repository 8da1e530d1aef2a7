// The mark's building blocks on synthetic signals: payload coding, exact
// reconstruction and chunking invariance of the embedder, detection of the
// right id, and nothing read without the mark or with another key.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "audio/dsp.h"
#include "watermark/detect_audio.h"
#include "watermark/detector.h"
#include "watermark/embedder.h"
#include "watermark/payload.h"
#include "watermark/watermarker.h"

namespace vox::watermark {
namespace {

constexpr uint64_t kId = 0x2f1c9a4e7b3d4c2aull;

audio::PcmBuffer Noise(int rate, double seconds, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 0.1f);
  audio::PcmBuffer pcm{rate, 1, {}};
  pcm.samples.resize(static_cast<size_t>(rate * seconds));
  for (float& s : pcm.samples) s = n(rng);
  return pcm;
}

audio::PcmBuffer Mark(const Pattern& pattern, const audio::PcmBuffer& in, float strength,
                      size_t block) {
  auto embedder = Embedder::Create(pattern, kId, in.sample_rate, in.channels, strength);
  EXPECT_TRUE(embedder.has_value());
  audio::PcmBuffer out{in.sample_rate, in.channels, {}};
  for (size_t i = 0; i < in.samples.size(); i += block) {
    const size_t n = std::min(block, in.samples.size() - i);
    (*embedder)->Process(std::span<const float>(in.samples).subspan(i, n), out.samples);
  }
  (*embedder)->Finish(out.samples);
  return out;
}

TEST(WatermarkPayloadTest, RoundTripsAndTheCrcCatchesAFlippedBit) {
  PayloadBits bits = EncodePayload(kId);
  ASSERT_EQ(DecodePayload(bits), kId);
  for (int i : {0, 31, 63, 64, 79}) {
    PayloadBits flipped = bits;
    flipped[i] = static_cast<int8_t>(-flipped[i]);
    EXPECT_FALSE(DecodePayload(flipped).has_value()) << i;
  }
}

TEST(WatermarkPayloadTest, AJobIdIsItsUuidsFirst64Bits) {
  EXPECT_EQ(PayloadId("2f1c9a4e-7b3d-4c2a-9e8f-0a1b2c3d4e5f"), kId);
  EXPECT_EQ(IdPrefix(kId), "2f1c9a4e-7b3d-4c2a");
  // Not a UUID: still an id (hashed), just not one the store can look up.
  EXPECT_NE(PayloadId("not-a-uuid"), PayloadId("not-a-uuid2"));
}

TEST(WatermarkEmbedderTest, StrengthZeroReconstructsTheInputExactly) {
  Pattern pattern("k");
  for (int rate : {8000, 16000, 22050, 24000, 44100, 48000}) {
    audio::PcmBuffer in = Noise(rate, 1.3);
    audio::PcmBuffer out = Mark(pattern, in, 0.0f, in.samples.size());
    ASSERT_EQ(out.samples.size(), in.samples.size()) << rate;
    double worst = 0;
    for (size_t i = 0; i < in.samples.size(); ++i) {
      worst = std::max(worst, static_cast<double>(std::abs(out.samples[i] - in.samples[i])));
    }
    EXPECT_LT(worst, 1e-5) << rate;
  }
}

TEST(WatermarkEmbedderTest, AnyChunkingGivesTheSameOutput) {
  Pattern pattern("k");
  audio::PcmBuffer in = Noise(22050, 3.1);
  audio::PcmBuffer whole = Mark(pattern, in, kDefaultStrength, in.samples.size());
  for (size_t block : {1u, 97u, 441u, 5000u}) {
    audio::PcmBuffer chunked = Mark(pattern, in, kDefaultStrength, block);
    ASSERT_EQ(chunked.samples.size(), whole.samples.size()) << block;
    EXPECT_EQ(chunked.samples, whole.samples) << block;
  }
}

TEST(WatermarkEmbedderTest, StereoMarksEachChannelAndKeepsTheLength) {
  Pattern pattern("k");
  audio::PcmBuffer stereo{16000, 2, {}};
  audio::PcmBuffer mono = Noise(16000, 6);
  for (float s : mono.samples) {
    stereo.samples.push_back(s);
    stereo.samples.push_back(0.5f * s);
  }
  audio::PcmBuffer out = Mark(pattern, stereo, kDefaultStrength, 778);  // whole frames
  ASSERT_EQ(out.samples.size(), stereo.samples.size());
  auto d = Detect(pattern, out);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->watermarked);
}

TEST(WatermarkEmbedderTest, RefusesARateWithoutWholeSamplesPer20Ms) {
  Pattern pattern("k");
  auto e = Embedder::Create(pattern, kId, 11025, 1);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().field, "sample_rate");
}

TEST(WatermarkDetectorTest, ReadsTheIdAndNothingWithoutTheMarkOrWithAnotherKey) {
  Pattern pattern("k");
  audio::PcmBuffer in = Noise(24000, 12);
  audio::PcmBuffer marked = Mark(pattern, in, kDefaultStrength, 4800);
  auto found = Detect(pattern, marked);
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->watermarked);
  EXPECT_EQ(found->id, kId);
  EXPECT_GT(found->confidence, 0.99);

  auto clean = Detect(pattern, in);
  ASSERT_TRUE(clean.has_value());
  EXPECT_FALSE(clean->watermarked);
  EXPECT_FALSE(clean->id.has_value());
  EXPECT_LT(clean->confidence, 0.5);

  auto other_key = Detect(Pattern("another key"), marked);
  ASSERT_TRUE(other_key.has_value());
  EXPECT_FALSE(other_key->watermarked);
}

TEST(WatermarkDetectorTest, RefusesEmptyAudio) {
  Pattern pattern("k");
  EXPECT_FALSE(Detect(pattern, audio::PcmBuffer{16000, 1, {}}).has_value());
}

TEST(WatermarkerTest, OffPassesAudioThroughUntouched) {
  WatermarkConfig config;
  config.enabled = false;
  auto watermarker = Watermarker::Create(config);
  ASSERT_TRUE(watermarker.has_value());
  audio::PcmBuffer in = Noise(16000, 2);
  EXPECT_EQ((*watermarker)->MarkAll("2f1c9a4e-7b3d-4c2a-9e8f-0a1b2c3d4e5f", in).samples,
            in.samples);
}

TEST(WatermarkerTest, ConfigComesFromTheEnvironment) {
  ::setenv("VOX_WATERMARK", "sometimes", 1);
  auto bad = WatermarkConfig::FromEnv();
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "VOX_WATERMARK");
  ::setenv("VOX_WATERMARK", "off", 1);
  ::setenv("VOX_WATERMARK_KEY_FILE", "/nonexistent/key", 1);
  auto off = WatermarkConfig::FromEnv();
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->enabled);
  EXPECT_EQ(off->ToString().find("/nonexistent"), std::string::npos);  // never the key's path
  auto missing_key = Watermarker::Create(*off);
  ASSERT_FALSE(missing_key.has_value());
  EXPECT_EQ(missing_key.error().field, "VOX_WATERMARK_KEY_FILE");
  ::unsetenv("VOX_WATERMARK");
  ::unsetenv("VOX_WATERMARK_KEY_FILE");
}

TEST(WatermarkDetectAudioTest, NonAudioIsAnInvalidFile) {
  auto watermarker = Watermarker::Create(WatermarkConfig{});
  ASSERT_TRUE(watermarker.has_value());
  for (std::string_view bytes : {std::string_view("just some text, not audio"),
                                 std::string_view("RIFF\x10\x00\x00\x00WAVEfmt ", 16)}) {
    auto report = DetectAudio(**watermarker, nullptr, bytes);
    ASSERT_FALSE(report.has_value());
    EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(report.error().field, "file");
  }
}

}  // namespace
}  // namespace vox::watermark
