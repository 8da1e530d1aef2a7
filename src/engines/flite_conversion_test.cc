// FliteEngine with SynthesisParams::conversion: what the vocoder hook does to
// the audio, what it refuses, and that it keeps the engine lock-free and
// deterministic. (Measurements with the voice module's analysis, F0 medians
// and fitting, are in src/voice/conversion_fit_test.cc.)
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <thread>
#include <vector>

#include "engines/espeak_engine.h"
#include "engines/flite_engine.h"
#include "engines/testing/audio_metrics.h"
#include "engines/voice_conversion.h"

namespace vox::engines {
namespace {

constexpr const char* kText = "The birch canoe slid on the smooth planks.";

class FliteConversionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = FliteEngine::Create();
    ASSERT_TRUE(engine) << engine.error().ToString();
    engine_ = std::move(*engine).release();
  }
  static const VoiceInfo& Voice(const std::string& id) {
    for (const VoiceInfo& v : engine_->voices()) {
      if (v.id == id) return v;
    }
    ADD_FAILURE() << "no voice " << id;
    return engine_->voices().front();
  }
  static Result<audio::PcmBuffer> Run(const std::string& voice,
                                      std::shared_ptr<const VoiceConversion> conversion,
                                      double pitch = 1.0, const char* text = kText) {
    SynthesisParams params;
    params.pitch = pitch;
    params.conversion = std::move(conversion);
    return engine_->Synthesize(text, Voice(voice), params);
  }
  static std::shared_ptr<const VoiceConversion> Make(VoiceConversion c) {
    return std::make_shared<const VoiceConversion>(std::move(c));
  }

  static FliteEngine* engine_;  // shared by the suite: Create() registers voices once anyway
};
FliteEngine* FliteConversionTest::engine_ = nullptr;

// Relative RMS difference of two clips of the same length.
double RelativeDifference(const audio::PcmBuffer& a, const audio::PcmBuffer& b) {
  double diff = 0.0, ref = 0.0;
  for (size_t i = 0; i < a.samples.size(); ++i) {
    diff += (a.samples[i] - b.samples[i]) * double(a.samples[i] - b.samples[i]);
    ref += a.samples[i] * double(a.samples[i]);
  }
  return std::sqrt(diff / ref);
}

TEST_F(FliteConversionTest, IdentityConversionMatchesPlainSynthesis) {
  for (const char* voice : VoiceConversion::kBaseVoices) {
    auto plain = Run(voice, nullptr);
    auto identity = Run(voice, Make(VoiceConversion::Identity(voice)));
    ASSERT_TRUE(plain && identity) << voice;
    ASSERT_EQ(identity->samples.size(), plain->samples.size()) << voice;
    // Same track, same filter: only the float round trip of F0 through log/exp
    // can move a pulse by a sample.
    EXPECT_LT(RelativeDifference(*plain, *identity), 0.05) << voice;
  }
}

TEST_F(FliteConversionTest, F0MappingScalesThePitch) {
  auto plain = Run("flite-slt", nullptr);
  ASSERT_TRUE(plain);
  VoiceConversion up = VoiceConversion::Identity("flite-slt");
  up.target_log_f0_mean += std::log(1.3);
  auto converted = Run("flite-slt", Make(up));
  ASSERT_TRUE(converted);
  const double ratio = testing::MedianF0(*converted) / testing::MedianF0(*plain);
  EXPECT_NEAR(ratio, 1.3, 0.07);
  // Duration is the base voice's: conversion does not touch timing.
  EXPECT_EQ(converted->samples.size(), plain->samples.size());
}

TEST_F(FliteConversionTest, PitchParamMultipliesTheConvertedF0) {
  VoiceConversion down = VoiceConversion::Identity("flite-rms");
  down.target_log_f0_mean -= std::log(1.2);
  auto converted = Run("flite-rms", Make(down));
  auto raised = Run("flite-rms", Make(down), 1.5);
  ASSERT_TRUE(converted && raised);
  EXPECT_NEAR(testing::MedianF0(*raised) / testing::MedianF0(*converted), 1.5, 0.1);
}

TEST_F(FliteConversionTest, WarpAndBiasChangeTheSpectrumButStayBounded) {
  auto plain = Run("flite-awb", nullptr);
  ASSERT_TRUE(plain);
  // The most extreme conversion the bounds allow must still give speech-level
  // audio, not a filter blowing up (which would wrap int16 into loud noise).
  VoiceConversion extreme = VoiceConversion::Identity("flite-awb");
  extreme.frequency_warp = -VoiceConversion::kMaxFrequencyWarp;
  extreme.mcep_bias = {0.6, 0.6};
  for (double sign : {1.0, -1.0}) {
    extreme.mcep_bias = {sign * 0.6, -sign * 0.6};
    for (double warp : {-0.2, 0.2}) {
      extreme.frequency_warp = warp;
      auto out = Run("flite-awb", Make(extreme));
      ASSERT_TRUE(out);
      const double level = testing::Rms(*out) / testing::Rms(*plain);
      EXPECT_GT(level, 0.2) << "warp " << warp << " bias sign " << sign;
      EXPECT_LT(level, 3.0) << "warp " << warp << " bias sign " << sign;
      EXPECT_GT(RelativeDifference(*plain, *out), 0.3);  // it did change the sound
    }
  }
}

TEST_F(FliteConversionTest, RefusesNonClustergenVoicesAndOtherBases) {
  const auto slt = Make(VoiceConversion::Identity("flite-slt"));
  for (const char* voice : {"flite-kal", "flite-kal16"}) {
    auto out = Run(voice, slt);
    ASSERT_FALSE(out) << voice;
    EXPECT_EQ(out.error().code, ErrorCode::kUnprocessable);
    EXPECT_EQ(out.error().field, "voice");
  }
  // Fitted on slt: its F0 statistics are slt's, so rms must not use it.
  auto other = Run("flite-rms", slt);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(other.error().field, "voice");
}

TEST_F(FliteConversionTest, RefusesOutOfBoundsValuesBuiltInCode) {
  VoiceConversion bad = VoiceConversion::Identity("flite-slt");
  bad.mcep_bias = {2.0};
  auto out = Run("flite-slt", Make(bad));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(out.error().field, "conversion.mcep_bias");
}

TEST(EspeakConversionTest, EspeakRefusesAConversion) {
  auto engine = EspeakEngine::Create();
  ASSERT_TRUE(engine) << engine.error().ToString();
  SynthesisParams params;
  params.conversion = std::make_shared<const VoiceConversion>(VoiceConversion::Identity("flite-slt"));
  auto out = (*engine)->Synthesize("Hello.", (*engine)->voices().front(), params);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(out.error().field, "voice");
}

TEST_F(FliteConversionTest, ConcurrentConversionsMatchSequentialAndLeaveOthersPlain) {
  VoiceConversion a = VoiceConversion::Identity("flite-slt");
  a.target_log_f0_mean += 0.2;
  a.frequency_warp = 0.08;
  a.mcep_bias = {0.2, -0.1, 0.05};
  VoiceConversion b = VoiceConversion::Identity("flite-rms");
  b.target_log_f0_mean -= 0.1;
  b.frequency_warp = -0.1;
  const auto conv_a = Make(a), conv_b = Make(b);
  struct Job {
    const char* voice;
    std::shared_ptr<const VoiceConversion> conversion;
  };
  const std::vector<Job> jobs = {{"flite-slt", conv_a}, {"flite-rms", conv_b},
                                 {"flite-slt", nullptr}, {"flite-rms", nullptr}};
  std::vector<std::vector<float>> expected;
  for (const Job& job : jobs) {
    auto out = Run(job.voice, job.conversion);
    ASSERT_TRUE(out);
    expected.push_back(out->samples);
  }
  // Each thread runs every job, starting at a different one, so conversions and
  // plain requests overlap in every combination.
  std::vector<std::vector<std::vector<float>>> got(jobs.size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < jobs.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < jobs.size(); ++k) {
        const Job& job = jobs[(t + k) % jobs.size()];
        auto out = Run(job.voice, job.conversion);
        got[t].push_back(out ? out->samples : std::vector<float>{});
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (size_t t = 0; t < jobs.size(); ++t) {
    for (size_t k = 0; k < jobs.size(); ++k) {
      EXPECT_TRUE(got[t][k] == expected[(t + k) % jobs.size()]) << "thread " << t << " job " << k;
    }
  }
}

}  // namespace
}  // namespace vox::engines
