// Voice conversion measured with the voice module's own analysis, and fitting
// on a target made in process (eSpeak NG's female English voice: not one of the
// flite base voices).
#include "voice/conversion_fit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "asr/transcriber.h"
#include "engines/espeak_engine.h"
#include "engines/flite_engine.h"
#include "voice/conversion_guard.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::voice {
namespace {

using engines::VoiceConversion;

// Harvard list 12, apart from the passages fitting uses.
const std::vector<std::string> kHeldOut = {
    "The sun came up to light the eastern sky.",
    "Hoist the load to your left shoulder.",
    "Take the winding path to reach the lake.",
    "Note closely the size of the gas tank.",
};

class ConversionFitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto flite = engines::FliteEngine::Create();
    ASSERT_TRUE(flite) << flite.error().ToString();
    flite_ = std::move(*flite).release();
  }
  static engines::FliteEngine* flite_;
};
engines::FliteEngine* ConversionFitTest::flite_ = nullptr;

audio::PcmBuffer Espeak(const std::string& voice_id, const std::vector<std::string>& sentences) {
  auto engine = engines::EspeakEngine::Create();
  EXPECT_TRUE(engine) << engine.error().ToString();
  audio::PcmBuffer all;
  for (const engines::VoiceInfo& v : (*engine)->voices()) {
    if (v.id != voice_id) continue;
    all.sample_rate = v.sample_rate;
    for (const std::string& s : sentences) {
      auto pcm = (*engine)->Synthesize(s, v, {});
      EXPECT_TRUE(pcm) << pcm.error().ToString();
      if (pcm) all.samples.insert(all.samples.end(), pcm->samples.begin(), pcm->samples.end());
    }
  }
  EXPECT_FALSE(all.empty()) << "no voice " << voice_id;
  return all;
}

TEST_F(ConversionFitTest, ConvertedF0MedianLandsOnTheTarget) {
  auto base = BaseStats(*flite_, "flite-slt");
  ASSERT_TRUE(base) << base.error().ToString();
  VoiceConversion up = VoiceConversion::Identity("flite-slt");
  up.source_log_f0_mean = base->log_f0_mean;
  up.source_log_f0_std = base->log_f0_std;
  up.target_log_f0_mean = base->log_f0_mean + std::log(1.2);
  up.target_log_f0_std = base->log_f0_std;
  auto pcm = SynthesizePassage(*flite_, "flite-slt", kHeldOut,
                               std::make_shared<const VoiceConversion>(up));
  ASSERT_TRUE(pcm);
  auto profile = AnalyzeVoice(*pcm);
  ASSERT_TRUE(profile) << profile.error().ToString();
  const double wanted = 1.2 * base->profile.f0_median_hz;
  EXPECT_NEAR(profile->f0_median_hz / wanted, 1.0, 0.1)
      << profile->f0_median_hz << " Hz vs " << wanted << " Hz";
  // Pitch only: the vocal tract (formant scale) stays the base voice's.
  EXPECT_NEAR(profile->formant_scale / base->profile.formant_scale, 1.0, 0.06);
}

TEST_F(ConversionFitTest, FrequencyWarpMovesTheFormantScale) {
  auto base = BaseStats(*flite_, "flite-rms");
  ASSERT_TRUE(base);
  VoiceConversion shorter = VoiceConversion::Identity("flite-rms");
  shorter.frequency_warp = -0.08;  // formants up by about (1 + 0.08) / (1 - 0.08) = 1.17
  auto pcm = SynthesizePassage(*flite_, "flite-rms", kHeldOut,
                               std::make_shared<const VoiceConversion>(shorter));
  ASSERT_TRUE(pcm);
  auto profile = AnalyzeVoice(*pcm);
  ASSERT_TRUE(profile);
  EXPECT_GT(profile->formant_scale, base->profile.formant_scale * 1.08);
  EXPECT_NEAR(profile->f0_median_hz / base->profile.f0_median_hz, 1.0, 0.05);
}

TEST_F(ConversionFitTest, FitsAnEspeakFemaleVoice) {
  const audio::PcmBuffer enrol = Espeak("espeak-en-f", ReferencePassage());
  auto target = AnalyzeVoice(enrol);
  ASSERT_TRUE(target) << target.error().ToString();
  ConversionFitReport report;
  const auto start = std::chrono::steady_clock::now();
  auto fit = FitConversion(*target, enrol, *flite_, {}, &report);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(fit) << fit.error().ToString();
  ASSERT_TRUE(fit->Validate());
  ASSERT_EQ(report.candidates.size(), 3u);
  for (const ConversionCandidate& c : report.candidates) {
    std::printf("%s: cosine %.3f, F0 %.1f Hz, formant scale %.3f\n", c.base_voice.c_str(),
                c.similarity, c.f0_median_hz, c.formant_scale);
  }
  std::printf("target F0 %.1f Hz, formant scale %.3f; chose %s in %.2f s: %s\n",
              target->f0_median_hz, target->formant_scale, fit->base_voice.c_str(), seconds,
              fit->ToJson().dump().c_str());

  // Held-out sentences in the clone vs the target speaking them.
  const audio::PcmBuffer target_held = Espeak("espeak-en-f", kHeldOut);
  auto clone = SynthesizePassage(*flite_, fit->base_voice, kHeldOut,
                                 std::make_shared<const VoiceConversion>(*fit));
  auto plain = SynthesizePassage(*flite_, fit->base_voice, kHeldOut, nullptr);
  ASSERT_TRUE(clone && plain);
  auto clone_profile = AnalyzeVoice(*clone);
  ASSERT_TRUE(clone_profile);
  EXPECT_NEAR(clone_profile->f0_median_hz / target->f0_median_hz, 1.0, 0.1);
  StatsSpeakerEncoder encoder;
  auto t = encoder.Embed(target_held), c = encoder.Embed(*clone), p = encoder.Embed(*plain);
  ASSERT_TRUE(t && c && p);
  const double clone_cos = *CosineSimilarity(*c, *t), base_cos = *CosineSimilarity(*p, *t);
  std::printf("held-out cosine to target: clone %.3f, base voice %.3f\n", clone_cos, base_cos);
  EXPECT_GT(clone_cos, base_cos + 0.1);
}

// slt at 1.25x its pitch with its own tract: what the defect report's target is
// like, made in process.
VoiceConversion SltPitchUp(const BaseVoiceStats& base) {
  VoiceConversion up = VoiceConversion::Identity("flite-slt");
  up.source_log_f0_mean = base.log_f0_mean;
  up.source_log_f0_std = up.target_log_f0_std = base.log_f0_std;
  up.target_log_f0_mean = base.log_f0_mean + std::log(1.25);
  return up;
}

Embedding EmbedPassage(engines::FliteEngine& flite, const VoiceConversion& c) {
  auto pcm = SynthesizePassage(flite, c.base_voice, ReferencePassage(),
                               std::make_shared<const VoiceConversion>(c));
  EXPECT_TRUE(pcm);
  auto e = StatsSpeakerEncoder().Embed(*pcm);
  EXPECT_TRUE(e) << e.error().ToString();
  return *e;
}

TEST_F(ConversionFitTest, GuardRefusesTheMisreadTractAndFallsBackToPitch) {
  auto asr = asr::Transcriber::Create({});
  ASSERT_TRUE(asr) << asr.error().ToString();
  auto base = BaseStats(*flite_, "flite-slt");
  ASSERT_TRUE(base);
  const VoiceConversion up = SltPitchUp(*base);
  const Embedding target = EmbedPassage(*flite_, up);
  VoiceConversion misread = up;
  misread.frequency_warp = -0.15;  // the defect: the higher pitch taken for a shorter tract
  const std::vector<GuardRung> rungs = {
      {"full", [&] { return Result<VoiceConversion>(misread); }},
      {"pitch_only", [&] { return Result<VoiceConversion>(up); }},
  };
  GuardReport report;
  auto chosen = GuardConversion("flite-slt", rungs, target, *flite_, asr->get(), {}, report);
  ASSERT_TRUE(chosen) << chosen.error().ToString();
  for (const GuardStep& s : report.steps) {
    std::printf("%s: cosine %.3f (base %.3f), WER %.2f (base %.2f): %s\n", s.step.c_str(),
                s.similarity, report.base_similarity, s.wer, report.base_wer, s.reason.c_str());
  }
  ASSERT_EQ(report.steps.size(), 2u);
  EXPECT_FALSE(report.steps[0].accepted);
  EXPECT_EQ(report.chosen, "pitch_only");
  EXPECT_TRUE(report.steps[1].accepted);
  EXPECT_EQ(chosen->frequency_warp, 0.0);
  EXPECT_GT(report.steps[1].similarity, report.base_similarity);
  EXPECT_LE(report.steps[1].wer, report.base_wer + GuardOptions{}.max_wer_increase);
}

TEST_F(ConversionFitTest, GuardKeepsTheBaseVoiceWhenNothingHelps) {
  // The target is the base voice itself: any edit makes it less similar.
  const Embedding target = EmbedPassage(*flite_, VoiceConversion::Identity("flite-slt"));
  VoiceConversion warped = VoiceConversion::Identity("flite-slt");
  warped.frequency_warp = -0.15;
  GuardReport report;
  auto chosen =
      GuardConversion("flite-slt", {{"full", [&] { return Result<VoiceConversion>(warped); }}},
                      target, *flite_, nullptr, {}, report);
  ASSERT_TRUE(chosen) << chosen.error().ToString();
  EXPECT_EQ(report.chosen, "base_voice");
  ASSERT_EQ(report.steps.size(), 2u);
  EXPECT_FALSE(report.steps[0].accepted);
  EXPECT_LT(report.steps[0].similarity, report.base_similarity);
  EXPECT_EQ(report.steps[0].wer, -1.0);  // no transcriber: similarity alone
  EXPECT_EQ(chosen->frequency_warp, 0.0);
  EXPECT_TRUE(chosen->mcep_bias.empty());
  EXPECT_EQ(chosen->target_log_f0_mean, chosen->source_log_f0_mean);
}

TEST_F(ConversionFitTest, BaseStatsAreComputedOnceAndShared) {
  std::optional<Result<BaseVoiceStats>> a, b;
  std::thread t1([&] { a = BaseStats(*flite_, "flite-awb"); });
  std::thread t2([&] { b = BaseStats(*flite_, "flite-awb"); });
  t1.join();
  t2.join();
  ASSERT_TRUE(*a && *b);
  EXPECT_EQ((*a)->profile.ToJson(), (*b)->profile.ToJson());
  EXPECT_GT((*a)->profile.f0_median_hz, 80.0);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(BaseStats(*flite_, "flite-awb"));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.05);
}

TEST_F(ConversionFitTest, RejectsBadOptionsAndUnvoicedTargets) {
  const audio::PcmBuffer enrol = Espeak("espeak-en-f", TrialPassage());
  auto target = AnalyzeVoice(enrol);
  ASSERT_TRUE(target);
  ConversionFitOptions options;
  options.base_voices = {"flite-kal16"};
  auto fit = FitConversion(*target, enrol, *flite_, options);
  ASSERT_FALSE(fit);
  EXPECT_EQ(fit.error().field, "options.base_voices");
  options = {};
  options.guard.max_wer_increase = -0.1;
  fit = FitConversion(*target, enrol, *flite_, options);
  ASSERT_FALSE(fit);
  EXPECT_EQ(fit.error().field, "options.max_wer_increase");
  options = {};
  options.bias_order = 30;
  fit = FitConversion(*target, enrol, *flite_, options);
  ASSERT_FALSE(fit);
  EXPECT_EQ(fit.error().field, "options.bias_order");

  VoiceProfile whisper = *target;
  whisper.f0_median_hz = whisper.f0_p5_hz = whisper.f0_p95_hz = 0.0;
  fit = FitConversion(whisper, enrol, *flite_);
  ASSERT_FALSE(fit);
  EXPECT_EQ(fit.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fit.error().field, "profile");
}

}  // namespace
}  // namespace vox::voice
