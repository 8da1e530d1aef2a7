// FindProtectedMatch on hand-made embeddings; consent_eval_test.cc runs it on synthetic
// speakers.
#include "voice/protected_voices.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "voice/protected_search.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::voice {
namespace {

Embedding Unit(double angle_deg, std::string encoder = "stats/1") {
  const double a = angle_deg * 3.14159265358979 / 180.0;
  return {std::move(encoder), {static_cast<float>(std::cos(a)), static_cast<float>(std::sin(a))}};
}

TEST(ProtectedVoicesTest, BestMatchOverTheThreshold) {
  const std::vector<ProtectedVoice> voices = {
      {"v1", "One", Unit(0)}, {"v2", "Two", Unit(30)}, {"v3", "Three", Unit(90)}};
  // 20 degrees: cos to v1 0.940, to v2 0.985 -> v2, the closer one.
  auto m = FindProtectedMatch(Unit(20), voices, 0.9);
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->id, "v2");
  EXPECT_EQ((*m)->name, "Two");
  EXPECT_NEAR((*m)->similarity, std::cos(10 * 3.14159265358979 / 180.0), 1e-6);
  // 60 degrees from v1, 30 from v3... nothing reaches 0.9.
  m = FindProtectedMatch(Unit(60), voices, 0.9);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->has_value());
  // At exactly the threshold it matches.
  m = FindProtectedMatch(Unit(0), voices, 1.0);
  ASSERT_TRUE(m && m->has_value());
  EXPECT_EQ((*m)->id, "v1");
  // Empty list: no match, no error.
  m = FindProtectedMatch(Unit(0), {}, 0.5);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->has_value());
}

TEST(ProtectedVoicesTest, IncomparableEmbeddingsAreErrors) {
  // A list entry from another encoder is an error even when an earlier entry matches.
  const std::vector<ProtectedVoice> mixed = {{"v1", "One", Unit(0)},
                                             {"old", "Old", Unit(0, "ecapa/1")}};
  auto m = FindProtectedMatch(Unit(0), mixed, 0.8);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.error().field, "embedding");
  EXPECT_NE(m.error().message.find("'old'"), std::string::npos) << m.error().message;
  // Other dimension, empty, zero.
  const std::vector<ProtectedVoice> dim = {{"d", "D", Embedding{"stats/1", {1.0f, 0.0f, 0.0f}}}};
  EXPECT_FALSE(FindProtectedMatch(Unit(0), dim, 0.8));
  const std::vector<ProtectedVoice> zero = {{"z", "Z", Embedding{"stats/1", {0.0f, 0.0f}}}};
  EXPECT_FALSE(FindProtectedMatch(Unit(0), zero, 0.8));
  EXPECT_FALSE(FindProtectedMatch(Embedding{"stats/1", {}}, mixed, 0.8));
}

TEST(ProtectedVoicesTest, ThresholdIsACosine) {
  const std::vector<ProtectedVoice> voices = {{"v1", "One", Unit(0)}};
  for (double bad : {1.01, -1.5, std::nan("")}) {
    auto m = FindProtectedMatch(Unit(0), voices, bad);
    ASSERT_FALSE(m) << bad;
    EXPECT_EQ(m.error().field, "threshold");
  }
}

}  // namespace
}  // namespace vox::voice

namespace vox::voice {
namespace {

TEST(ProtectedSearchOptionsTest, Validate) {
  EXPECT_TRUE(ProtectedSearchOptions{}.Validate());
  ProtectedSearchOptions o;
  o.shifts_cents = {-200, 200};
  EXPECT_EQ(o.Validate().error().field, "shifts_cents");  // 0 is missing
  o.shifts_cents = {0, 1300};
  EXPECT_EQ(o.Validate().error().field, "shifts_cents");
  o = {};
  o.normalized_threshold = 1.5;
  EXPECT_EQ(o.Validate().error().field, "normalized_threshold");
  o = {};
  o.max_shifted_seconds = 0.0;
  EXPECT_EQ(o.Validate().error().field, "max_shifted_seconds");
}

TEST(ProtectedSearchTest, BadOptionsAreErrorsNamingTheField) {
  StatsSpeakerEncoder encoder;
  ProtectedSearchOptions o;
  o.threshold = std::nan("");
  auto m = FindProtectedInRecording(audio::PcmBuffer{16000, 1, std::vector<float>(16000)}, encoder,
                                    {}, o);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().field, "threshold");
}

TEST(StatsWithoutPitchTest, DropsTheLogF0GroupOnlyForStats1) {
  std::vector<float> v(StatsSpeakerEncoder::kRawDim, 0.0f);
  v[0] = 1.0f;
  v[StatsSpeakerEncoder::kRawDim - 1] = 1.0f;  // log-F0 spread
  auto free = StatsSpeakerEncoder::WithoutPitch({"stats/1", v});
  ASSERT_TRUE(free);
  EXPECT_FLOAT_EQ(free->values[0], 1.0f);
  EXPECT_FLOAT_EQ(free->values.back(), 0.0f);
  EXPECT_FALSE(StatsSpeakerEncoder::WithoutPitch({"ecapa/1", v}));
  std::vector<float> pitch_only(StatsSpeakerEncoder::kRawDim, 0.0f);
  pitch_only.back() = 1.0f;
  EXPECT_FALSE(StatsSpeakerEncoder::WithoutPitch({"stats/1", pitch_only}));
}

}  // namespace
}  // namespace vox::voice
