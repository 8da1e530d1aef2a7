#include "voice/voice_profile.h"

#include <gtest/gtest.h>

#include "voice/testing/test_signals.h"

namespace vox::voice {
namespace {

TEST(AnalyzeVoiceTest, MeasuresASyntheticVoice) {
  // 12 vowels of 150 ms with 100 ms gaps: 12 syllables in 2.9 s of speaking.
  auto profile = AnalyzeVoice(testing::SyntheticSpeech(140.0, 1.0, 12, 22050));
  ASSERT_TRUE(profile) << profile.error().ToString();
  EXPECT_NEAR(profile->f0_median_hz, 140.0, 2.0);
  EXPECT_LE(profile->f0_p5_hz, profile->f0_median_hz);
  EXPECT_GE(profile->f0_p95_hz, profile->f0_median_hz);
  EXPECT_GT(profile->formant_scale, 0.0);  // value checked on real speech (eval test)
  EXPECT_NEAR(profile->speaking_rate_sps, 12 / 2.9, 0.6);
  EXPECT_EQ(profile->envelope_db.size(), 40u);
  EXPECT_EQ(profile->envelope_band_hz.size(), 40u);
  EXPECT_EQ(profile->mean_cepstrum.size(), 20u);
  EXPECT_GT(profile->voiced_fraction, 0.8);
  double mean_db = 0.0;
  for (double v : profile->envelope_db) mean_db += v / 40.0;
  EXPECT_NEAR(mean_db, 0.0, 1e-6);  // level-normalized
}

TEST(AnalyzeVoiceTest, FasterSyllablesRaiseTheRate) {
  auto slow = AnalyzeVoice(testing::SyntheticSpeech(120.0, 1.0, 10, 16000, 0.2, 0.15));
  auto fast = AnalyzeVoice(testing::SyntheticSpeech(120.0, 1.0, 10, 16000, 0.12, 0.08));
  ASSERT_TRUE(slow && fast);
  EXPECT_NEAR(slow->speaking_rate_sps, 10 / 3.35, 0.5);
  EXPECT_NEAR(fast->speaking_rate_sps, 10 / 1.92, 0.8);
}

TEST(AnalyzeVoiceTest, SilenceIsAClearError) {
  auto silence = AnalyzeVoice(audio::PcmBuffer{16000, 1, std::vector<float>(32000, 0.0f)});
  ASSERT_FALSE(silence);
  EXPECT_EQ(silence.error().field, "audio");
}

TEST(VoiceProfileJsonTest, RoundTrip) {
  auto profile = AnalyzeVoice(testing::SyntheticSpeech(200.0, 1.2, 9));
  ASSERT_TRUE(profile);
  const std::string text = profile->ToJson().dump();
  auto back = VoiceProfile::FromJson(nlohmann::json::parse(text));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->ToJson().dump(), text);
  EXPECT_DOUBLE_EQ(back->f0_median_hz, profile->f0_median_hz);
  EXPECT_EQ(back->envelope_db, profile->envelope_db);
  EXPECT_EQ(back->formants_hz, profile->formants_hz);
}

TEST(VoiceProfileJsonTest, RejectsBadDocuments) {
  const nlohmann::json good = VoiceProfile{}.ToJson();
  ASSERT_TRUE(VoiceProfile::FromJson(good));
  struct Case {
    const char* what;
    nlohmann::json doc;
    const char* field;
  };
  std::vector<Case> cases;
  cases.push_back({"not an object", nlohmann::json::array(), "profile"});
  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json d = good;
    d[key] = std::move(value);
    return d;
  };
  cases.push_back({"future version", with("version", 2), "profile.version"});
  cases.push_back({"negative f0", with("f0_median_hz", -1.0), "profile.f0_median_hz"});
  cases.push_back({"string f0", with("f0_median_hz", "high"), "profile.f0_median_hz"});
  cases.push_back({"three formants", with("formants_hz", {1, 2, 3}), "profile.formants_hz"});
  cases.push_back({"envelope length", with("envelope_db", {1.0}), "profile.envelope_db"});
  cases.push_back({"p5 above median", with("f0_p5_hz", 50.0), "profile.f0_median_hz"});
  nlohmann::json missing = good;
  missing.erase("speaking_rate_sps");
  cases.push_back({"missing rate", missing, "profile.speaking_rate_sps"});
  for (const Case& c : cases) {
    auto r = VoiceProfile::FromJson(c.doc);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what;
  }
}

}  // namespace
}  // namespace vox::voice
