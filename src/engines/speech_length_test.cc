// The VOX_MAX_AUDIO_SECONDS cap: estimated from the text, enforced by Prepare.
#include "engines/speech_length.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "engines/testing/shared_registry.h"

namespace vox::engines {
namespace {

TEST(SpeechLength, AHugeDigitStringIsRefusedBeforeNormalizing) {
  Synthesizer synth(testing::SharedRegistry());
  TextLimits limits;  // the defaults: 1,000,000 characters, 3600 s
  const std::string digits(999'999, '7');
  const auto start = std::chrono::steady_clock::now();
  auto plan = synth.Prepare(digits, "flite-slt", {}, limits);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(plan.error().field, "text");
  EXPECT_NE(plan.error().message.find("VOX_MAX_AUDIO_SECONDS"), std::string::npos);
  EXPECT_NE(plan.error().message.find("3600 s"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(1));  // no normalizer pass over a million digits
}

TEST(SpeechLength, NormalizedLengthSpeedAndPausesCount) {
  Synthesizer synth(testing::SharedRegistry());
  TextLimits limits;
  limits.max_audio_seconds = 10;
  // 40 digits pass the raw bound (2.5 s) but normalize to ~200 characters.
  const std::string number = "1234567890123456789012345678901234567890";
  auto refused = synth.Prepare(number + " dollars.", "flite-slt", {}, limits);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);

  auto plan = synth.Prepare("Hello there, how are you today?", "flite-slt", {}, limits);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  const double normal = EstimateSpeechSeconds(*plan);
  EXPECT_GT(normal, 1.0);
  EXPECT_LT(normal, 3.0);
  SynthesisParams slow;
  slow.speed = 0.5;
  plan = synth.Prepare("Hello there, how are you today?", "flite-slt", slow, limits);
  ASSERT_TRUE(plan.has_value());
  EXPECT_NEAR(EstimateSpeechSeconds(*plan), 2 * normal, 1e-9);

  // SSML breaks are speech time too.
  auto paused =
      synth.PrepareSsml("<speak>Hi.<break time=\"6s\"/>Mid.<break time=\"6s\"/>Bye.</speak>",
                        "flite-slt", {}, limits);
  ASSERT_FALSE(paused.has_value());
  EXPECT_EQ(paused.error().code, ErrorCode::kResourceExhausted);

  limits.max_audio_seconds = 0;  // no cap
  EXPECT_TRUE(synth.Prepare(number, "flite-slt", {}, limits).has_value());
}

}  // namespace
}  // namespace vox::engines
