// Embedding arithmetic, storage, and StatsSpeakerEncoder's behaviour on
// inputs that are not clean speech. Speaker discrimination itself is measured
// on synthetic speakers in speaker_eval_test.cc.
#include "voice/speaker_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_signals.h"

namespace vox::voice {
namespace {

void ExpectUnitAndFinite(const Embedding& e, int dim) {
  ASSERT_EQ(e.dim(), dim);
  double norm = 0.0;
  for (float v : e.values) {
    ASSERT_TRUE(std::isfinite(v));
    norm += double(v) * v;
  }
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST(CosineSimilarityTest, ValuesAndRefusals) {
  const Embedding a{"x/1", {1.0f, 0.0f}}, b{"x/1", {0.0f, 2.0f}}, c{"x/1", {-3.0f, 0.0f}};
  EXPECT_NEAR(*CosineSimilarity(a, a), 1.0, 1e-12);
  EXPECT_NEAR(*CosineSimilarity(a, b), 0.0, 1e-12);
  EXPECT_NEAR(*CosineSimilarity(a, c), -1.0, 1e-12);
  auto other_encoder = CosineSimilarity(a, Embedding{"y/1", {1.0f, 0.0f}});
  ASSERT_FALSE(other_encoder);
  EXPECT_EQ(other_encoder.error().field, "embedding");
  EXPECT_FALSE(CosineSimilarity(a, Embedding{"x/1", {1.0f, 0.0f, 0.0f}}));
  EXPECT_FALSE(CosineSimilarity(a, Embedding{"x/1", {0.0f, 0.0f}}));
  EXPECT_FALSE(CosineSimilarity(Embedding{"x/1", {}}, Embedding{"x/1", {}}));
}

TEST(AverageEmbeddingsTest, NormalizedMeanOfUnitVectors) {
  const std::vector<Embedding> list = {{"x/1", {1.0f, 0.0f}}, {"x/1", {0.0f, 5.0f}}};
  auto mean = AverageEmbeddings(list);
  ASSERT_TRUE(mean);
  EXPECT_NEAR(mean->values[0], std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(mean->values[1], std::sqrt(0.5), 1e-6);
  EXPECT_FALSE(AverageEmbeddings({}));
  const std::vector<Embedding> opposite = {{"x/1", {1.0f, 0.0f}}, {"x/1", {-1.0f, 0.0f}}};
  EXPECT_FALSE(AverageEmbeddings(opposite));
  const std::vector<Embedding> mixed = {{"x/1", {1.0f}}, {"y/1", {1.0f}}};
  EXPECT_FALSE(AverageEmbeddings(mixed));
}

TEST(EmbeddingJsonTest, RoundTripAndBadInput) {
  const Embedding e{"stats/1", {0.5f, -0.25f, 0.125f}};
  auto back = Embedding::FromJson(nlohmann::json::parse(e.ToJson().dump()));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->encoder, e.encoder);
  EXPECT_EQ(back->values, e.values);
  for (const char* bad : {R"([])", R"({"encoder":"x"})", R"({"encoder":1,"values":[1]})",
                          R"({"encoder":"x","values":[]})", R"({"encoder":"x","values":["a"]})",
                          R"({"encoder":"x","values":[1e999]})"}) {
    auto r = Embedding::FromJson(nlohmann::json::parse(bad, nullptr, false));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "embedding");
  }
}

TEST(StatsSpeakerEncoderTest, IdentityAndDimensions) {
  StatsSpeakerEncoder encoder;
  EXPECT_EQ(encoder.id(), "stats/1");
  EXPECT_EQ(encoder.dim(), StatsSpeakerEncoder::kRawDim);
  EXPECT_EQ(StatsSpeakerEncoder::RawFeatureNames().size(),
            static_cast<std::size_t>(StatsSpeakerEncoder::kRawDim));
  EXPECT_EQ(DefaultBackgroundStats().mean.size(),
            static_cast<std::size_t>(StatsSpeakerEncoder::kRawDim));
  EXPECT_GT(DefaultBackgroundStats().num_recordings, 0);  // fitted, not the placeholder
}

TEST(StatsSpeakerEncoderTest, SyntheticVoicesSeparateAndRepeat) {
  StatsSpeakerEncoder encoder;
  auto low = encoder.Embed(testing::SyntheticSpeech(100.0, 1.0, 12));
  auto low_again = encoder.Embed(testing::SyntheticSpeech(100.0, 1.0, 15));
  auto high = encoder.Embed(testing::SyntheticSpeech(230.0, 1.25, 12));
  ASSERT_TRUE(low && low_again && high);
  ExpectUnitAndFinite(*low, encoder.dim());
  EXPECT_GT(*CosineSimilarity(*low, *low_again), *CosineSimilarity(*low, *high));
}

TEST(StatsSpeakerEncoderTest, SilenceAndTooShortAreClearErrors) {
  StatsSpeakerEncoder encoder;
  auto silence = encoder.Embed(audio::PcmBuffer{16000, 1, std::vector<float>(48000, 0.0f)});
  ASSERT_FALSE(silence);
  EXPECT_EQ(silence.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(silence.error().field, "audio");
  EXPECT_NE(silence.error().message.find("speech"), std::string::npos);
  auto blip = encoder.Embed(testing::SyntheticSpeech(120.0, 1.0, 1, 16000, 0.2, 0.1));
  ASSERT_FALSE(blip);
  EXPECT_EQ(blip.error().field, "audio");
  EXPECT_FALSE(encoder.Embed(audio::PcmBuffer{16000, 1, {}}));
  EXPECT_FALSE(encoder.Embed(audio::PcmBuffer{16000, 1, std::vector<float>(100, 0.3f)}));
}

TEST(StatsSpeakerEncoderTest, NoiseAndGarbageGiveValidVectors) {
  StatsSpeakerEncoder encoder;
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.2f);
  audio::PcmBuffer white{22050, 1, std::vector<float>(3 * 22050)};
  for (float& v : white.samples) v = noise(rng);
  auto e = encoder.Embed(white);
  ASSERT_TRUE(e) << e.error().ToString();
  ExpectUnitAndFinite(*e, encoder.dim());

  // NaN, infinities and clipping mixed into speech: cleaned, never propagated.
  audio::PcmBuffer dirty = testing::SyntheticSpeech(150.0, 1.1, 10);
  for (std::size_t i = 0; i < dirty.samples.size(); i += 97) {
    dirty.samples[i] =
        i % 2 ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  }
  auto d = encoder.Embed(dirty);
  ASSERT_TRUE(d) << d.error().ToString();
  ExpectUnitAndFinite(*d, encoder.dim());

  // A full-scale square wave: periodic, extreme, still a valid vector.
  audio::PcmBuffer square{16000, 2, {}};
  for (int i = 0; i < 32000; ++i) {
    const float s = (i / 40) % 2 ? 1.0f : -1.0f;
    square.samples.push_back(s);
    square.samples.push_back(s);
  }
  auto q = encoder.Embed(square);
  ASSERT_TRUE(q) << q.error().ToString();
  ExpectUnitAndFinite(*q, encoder.dim());
}

TEST(StatsSpeakerEncoderTest, WithStatsValidates) {
  BackgroundStats stats = DefaultBackgroundStats();
  EXPECT_TRUE(StatsSpeakerEncoder::WithStats(stats));
  stats.stddev[3] = 0.0;
  auto zero = StatsSpeakerEncoder::WithStats(stats);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().field, "background_stats");
  stats = DefaultBackgroundStats();
  stats.mean.pop_back();
  EXPECT_FALSE(StatsSpeakerEncoder::WithStats(stats));
  stats = DefaultBackgroundStats();
  stats.mean[0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(StatsSpeakerEncoder::WithStats(stats));
}

}  // namespace
}  // namespace vox::voice
