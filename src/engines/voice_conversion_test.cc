#include "engines/voice_conversion.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engines/flite_cg_vocoder.h"

namespace vox::engines {
namespace {

VoiceConversion Sample() {
  VoiceConversion c;
  c.base_voice = "flite-rms";
  c.source_log_f0_mean = std::log(100.0);
  c.source_log_f0_std = 0.12;
  c.target_log_f0_mean = std::log(130.0);
  c.target_log_f0_std = 0.18;
  c.frequency_warp = -0.06;
  c.mcep_bias = {0.1, -0.05, 0.02, 0.0, -0.01};
  return c;
}

// Parses `json` and expects invalid_argument naming `field`.
void ExpectRejected(const nlohmann::json& json, const std::string& field) {
  auto c = VoiceConversion::FromJson(json);
  ASSERT_FALSE(c) << json.dump();
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument) << json.dump();
  EXPECT_EQ(c.error().field, field) << c.error().ToString();
}

TEST(VoiceConversionTest, JsonRoundTripKeepsEveryValue) {
  const VoiceConversion c = Sample();
  auto back = VoiceConversion::FromJson(nlohmann::json::parse(c.ToJson().dump()));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->base_voice, "flite-rms");
  EXPECT_DOUBLE_EQ(back->source_log_f0_mean, c.source_log_f0_mean);
  EXPECT_DOUBLE_EQ(back->target_log_f0_std, c.target_log_f0_std);
  EXPECT_DOUBLE_EQ(back->frequency_warp, -0.06);
  EXPECT_EQ(back->mcep_bias, c.mcep_bias);
  EXPECT_EQ(back->ToJson(), c.ToJson());
}

TEST(VoiceConversionTest, IdentityValidatesAndMapsF0ToItself) {
  const VoiceConversion id = VoiceConversion::Identity("flite-awb");
  ASSERT_TRUE(id.Validate());
  EXPECT_NEAR(id.MapF0(123.0), 123.0, 1e-9);
  EXPECT_EQ(id.MapF0(0.0), 0.0);  // unvoiced stays unvoiced
}

TEST(VoiceConversionTest, MapF0IsMeanVarianceInTheLogDomain) {
  const VoiceConversion c = Sample();
  EXPECT_NEAR(c.MapF0(100.0), 130.0, 1e-9);  // the source mean lands on the target mean
  // One source standard deviation up is one target standard deviation up.
  EXPECT_NEAR(c.MapF0(100.0 * std::exp(0.12)), 130.0 * std::exp(0.18), 1e-9);
  EXPECT_EQ(c.MapF0(-5.0), 0.0);
  VoiceConversion high = c;
  high.target_log_f0_mean = VoiceConversion::kMaxLogF0;
  high.target_log_f0_std = 0.36;  // ratio 3: maps 250 Hz far beyond the clamp
  EXPECT_EQ(high.MapF0(250.0), VoiceConversion::kMaxF0Hz);
}

TEST(VoiceConversionTest, RejectsValuesOutOfBounds) {
  const nlohmann::json good = Sample().ToJson();
  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json j = good;
    j[key] = std::move(value);
    return j;
  };
  ExpectRejected(with("version", 2), "conversion.version");
  ExpectRejected(with("version", 4294967297LL), "conversion.version");
  ExpectRejected(with("version", 1.0), "conversion.version");
  ExpectRejected(with("base_voice", "flite-kal16"), "conversion.base_voice");
  ExpectRejected(with("base_voice", "espeak-en"), "conversion.base_voice");
  ExpectRejected(with("base_voice", 3), "conversion.base_voice");
  ExpectRejected(with("source_log_f0_mean", 2.0), "conversion.source_log_f0_mean");
  ExpectRejected(with("target_log_f0_mean", 9.0), "conversion.target_log_f0_mean");
  ExpectRejected(with("target_log_f0_mean", "5"), "conversion.target_log_f0_mean");
  ExpectRejected(with("source_log_f0_std", 0.0), "conversion.source_log_f0_std");
  ExpectRejected(with("target_log_f0_std", 2.0), "conversion.target_log_f0_std");
  ExpectRejected(with("target_log_f0_std", 0.9), "conversion.target_log_f0_std");  // ratio 7.5
  ExpectRejected(with("frequency_warp", 0.5), "conversion.frequency_warp");
  ExpectRejected(with("frequency_warp", -0.21), "conversion.frequency_warp");
  ExpectRejected(with("frequency_warp", nullptr), "conversion.frequency_warp");
  ExpectRejected(with("mcep_bias", {0.7}), "conversion.mcep_bias");
  ExpectRejected(with("mcep_bias", {0.5, -0.5, 0.5}), "conversion.mcep_bias");  // L1 1.5
  ExpectRejected(with("mcep_bias", std::vector<double>(25, 0.0)), "conversion.mcep_bias");
  ExpectRejected(with("mcep_bias", {0.1, "x"}), "conversion.mcep_bias");
  ExpectRejected(with("mcep_bias", 0.1), "conversion.mcep_bias");
}

TEST(VoiceConversionTest, RejectsMissingUnknownAndNonObject) {
  nlohmann::json j = Sample().ToJson();
  j.erase("frequency_warp");
  ExpectRejected(j, "conversion.frequency_warp");
  j = Sample().ToJson();
  j.erase("version");
  ExpectRejected(j, "conversion.version");
  j = Sample().ToJson();
  j["formant_scale"] = 1.1;  // a typo or a field from another version
  ExpectRejected(j, "conversion.formant_scale");
  ExpectRejected(nlohmann::json::array(), "conversion");
  ExpectRejected(nlohmann::json("x"), "conversion");
}

TEST(VoiceConversionTest, ValidateRejectsNonFiniteValuesBuiltInCode) {
  VoiceConversion c = Sample();
  c.frequency_warp = std::numeric_limits<double>::quiet_NaN();
  ASSERT_FALSE(c.Validate());
  EXPECT_EQ(c.Validate().error().field, "conversion.frequency_warp");
  c = Sample();
  c.mcep_bias[2] = std::numeric_limits<double>::infinity();
  ASSERT_FALSE(c.Validate());
  EXPECT_EQ(c.Validate().error().field, "conversion.mcep_bias");
}

TEST(VoiceConversionTest, AllPassCompositionAndBiasGain) {
  using internal::ComposeAllPass;
  EXPECT_DOUBLE_EQ(ComposeAllPass(0.42, 0.0), 0.42);
  // Warping by a then by -a is the identity.
  EXPECT_NEAR(ComposeAllPass(ComposeAllPass(0.42, 0.1), -0.1), 0.42, 1e-12);
  EXPECT_GT(ComposeAllPass(0.42, 0.1), 0.42);  // positive warp: larger alpha, lower formants

  EXPECT_EQ(internal::BiasGainCompensation({}), 1.0);
  const std::vector<double> bias = {0.5, 0.3, -0.2};
  const double g = internal::BiasGainCompensation(bias);
  EXPECT_LT(g, 1.0);  // any ripple adds power; the gain takes it back
  EXPECT_GT(g, 0.5);
  // At omega = 0 the warped frequency is 0: the change is the sum of the bias.
  const std::vector<double> omegas = {0.0};
  EXPECT_NEAR(internal::BiasLogAmplitude(bias, 0.42, omegas)[0], 0.6, 1e-12);
}

}  // namespace
}  // namespace vox::engines
