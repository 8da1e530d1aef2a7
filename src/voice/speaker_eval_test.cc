// Integration: speaker verification and voice measurements on synthetic
// speakers the test makes itself with flite, eSpeak NG, Festival and sox
// (see test_corpus.cc; audio is cached under the build tree).
//
// The headline number is the equal error rate of same/different-speaker
// decisions by cosine similarity: each speaker is enrolled on 4 sentences
// (their averaged embedding) and tested on 6 held-out, different sentences,
// against every speaker's enrolment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "voice/speaker_encoder.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"
#include "voice/voice_profile.h"

namespace vox::voice {
namespace {

using testing::TestSpeaker;

constexpr int kEnrollSentences = 4;

audio::PcmBuffer Speak(const TestSpeaker& speaker, const std::string& text) {
  if (!testing::ToolsAvailable(speaker)) {
    ADD_FAILURE() << speaker.id << " needs " << ::testing::PrintToString(speaker.tools)
                  << " (scripts/install-deps.sh installs them)";
    return {};
  }
  auto pcm = testing::Synthesize(speaker, text, testing::DefaultCacheDir());
  EXPECT_TRUE(pcm) << pcm.error().ToString();
  return pcm ? *pcm : audio::PcmBuffer{};
}

VoiceProfile Profile(const std::string& speaker_id, int sentences = 3) {
  // One profile over several sentences concatenated, as an upload would be.
  const TestSpeaker speaker = testing::SpeakerById(speaker_id);
  audio::PcmBuffer all;
  for (int i = 0; i < sentences; ++i) {
    audio::PcmBuffer pcm = Speak(speaker, testing::EvaluationSentences()[i]);
    all.sample_rate = pcm.sample_rate;
    all.samples.insert(all.samples.end(), pcm.samples.begin(), pcm.samples.end());
  }
  auto profile = AnalyzeVoice(all);
  EXPECT_TRUE(profile) << speaker_id << ": " << profile.error().ToString();
  return profile ? *profile : VoiceProfile{};
}

struct Eer {
  double rate = 1.0;
  double threshold = 0.0;  // cosine where false acceptance and false rejection rates cross
};

Eer EqualErrorRate(const std::vector<double>& target, const std::vector<double>& nontarget) {
  std::vector<double> thresholds = target;
  thresholds.insert(thresholds.end(), nontarget.begin(), nontarget.end());
  std::sort(thresholds.begin(), thresholds.end());
  Eer eer;
  double best_gap = 2.0;
  for (double th : thresholds) {
    const double frr =
        std::count_if(target.begin(), target.end(), [&](double s) { return s < th; }) /
        double(target.size());
    const double far =
        std::count_if(nontarget.begin(), nontarget.end(), [&](double s) { return s >= th; }) /
        double(nontarget.size());
    if (std::abs(frr - far) < best_gap) {
      best_gap = std::abs(frr - far);
      eer = {(frr + far) / 2.0, th};
    }
  }
  return eer;
}

TEST(SpeakerEvalTest, EqualErrorRateOnHeldOutSentences) {
  StatsSpeakerEncoder encoder;
  const auto speakers = testing::EvaluationSpeakers();
  const auto& sentences = testing::EvaluationSentences();
  std::vector<Embedding> enrolled;
  std::vector<std::vector<Embedding>> held_out(speakers.size());
  for (std::size_t s = 0; s < speakers.size(); ++s) {
    std::vector<Embedding> enroll;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      auto e = encoder.Embed(Speak(speakers[s], sentences[i]));
      ASSERT_TRUE(e) << speakers[s].id << " #" << i << ": " << e.error().ToString();
      (i < kEnrollSentences ? enroll : held_out[s]).push_back(*e);
    }
    enrolled.push_back(*AverageEmbeddings(enroll));
  }

  std::vector<double> target, nontarget;
  double same_sum = 0.0, other_sum = 0.0;
  int identified = 0, tests = 0;
  std::printf("\n%-22s %6s %6s  %-22s %6s\n", "speaker", "same", "worst", "most similar other",
              "mean");
  for (std::size_t s = 0; s < speakers.size(); ++s) {
    double same = 0.0, worst = 1.0;
    std::vector<double> other(speakers.size(), 0.0);
    for (const Embedding& t : held_out[s]) {
      std::size_t best = 0;
      double best_score = -2.0;
      for (std::size_t o = 0; o < speakers.size(); ++o) {
        const double score = *CosineSimilarity(enrolled[o], t);
        if (score > best_score) best_score = score, best = o;
        if (o == s) {
          target.push_back(score);
          same += score / held_out[s].size();
          worst = std::min(worst, score);
        } else {
          nontarget.push_back(score);
          other[o] += score / held_out[s].size();
          other_sum += score;
        }
      }
      identified += best == s;
      ++tests;
    }
    same_sum += same * held_out[s].size();
    other[s] = -2.0;
    const std::size_t nearest = std::max_element(other.begin(), other.end()) - other.begin();
    std::printf("%-22s %6.3f %6.3f  %-22s %6.3f\n", speakers[s].id.c_str(), same, worst,
                speakers[nearest].id.c_str(), other[nearest]);
  }
  const Eer eer = EqualErrorRate(target, nontarget);
  const double mean_same = same_sum / target.size(), mean_other = other_sum / nontarget.size();
  std::printf(
      "\n%s: EER %.2f%% (at cosine %.3f) over %zu target / %zu non-target trials; "
      "identification %d/%d; mean cosine same %.3f, different %.3f\n",
      encoder.id().c_str(), 100.0 * eer.rate, eer.threshold, target.size(), nontarget.size(),
      identified, tests, mean_same, mean_other);
  RecordProperty("eer_percent", std::to_string(100.0 * eer.rate));

  EXPECT_GT(mean_same, mean_other + 0.5);
  // Measured 4.0% with stats/1 (17 speakers); the bound leaves room for other
  // tool versions without letting a real regression through.
  EXPECT_LT(eer.rate, 0.08);
  EXPECT_GE(identified, tests * 85 / 100);
}

TEST(SpeakerEvalTest, FemaleVoiceHasHigherPitchThanMale) {
  const VoiceProfile slt = Profile("flite-slt"), rms = Profile("flite-rms");
  std::printf("slt F0 median %.1f Hz (%.1f..%.1f), rms %.1f Hz (%.1f..%.1f)\n", slt.f0_median_hz,
              slt.f0_p5_hz, slt.f0_p95_hz, rms.f0_median_hz, rms.f0_p5_hz, rms.f0_p95_hz);
  EXPECT_GT(slt.f0_median_hz, 1.4 * rms.f0_median_hz);
  EXPECT_GT(slt.f0_median_hz, 150.0);
  EXPECT_LT(rms.f0_median_hz, 130.0);
  EXPECT_GT(slt.formant_scale, rms.formant_scale);  // shorter vocal tract
}

TEST(SpeakerEvalTest, PitchShiftRaisesF0MedianByTheShift) {
  const VoiceProfile base = Profile("flite-slt");
  // Engine-side F0 shift: formants stay.
  const VoiceProfile f0_only = Profile("flite-slt-f0x1.2");
  // sox pitch: F0 and formants together.
  const VoiceProfile both = Profile("flite-slt-shift+20");
  const double f0_ratio = f0_only.f0_median_hz / base.f0_median_hz;
  const double both_ratio = both.f0_median_hz / base.f0_median_hz;
  std::printf("F0 median ratio: f0_shift 1.2 -> %.3f, sox pitch +20%% -> %.3f\n", f0_ratio,
              both_ratio);
  EXPECT_NEAR(f0_ratio, 1.2, 0.05);
  EXPECT_NEAR(both_ratio, 1.2, 0.05);
  EXPECT_NEAR(f0_only.formant_scale / base.formant_scale, 1.0, 0.06);
}

TEST(SpeakerEvalTest, FormantShiftMovesFormantScale) {
  const VoiceProfile awb = Profile("flite-awb"), up = Profile("flite-awb-formant+15");
  const VoiceProfile rms = Profile("flite-rms"), down = Profile("flite-rms-shift-15");
  std::printf("formant scale: awb %.3f -> +15%% %.3f; rms %.3f -> -15%% %.3f\n", awb.formant_scale,
              up.formant_scale, rms.formant_scale, down.formant_scale);
  EXPECT_GT(up.formant_scale, awb.formant_scale * 1.05);
  EXPECT_LT(down.formant_scale, rms.formant_scale * 0.97);
  // The formant-only shift keeps the pitch.
  EXPECT_NEAR(up.f0_median_hz / awb.f0_median_hz, 1.0, 0.06);
}

TEST(SpeakerEvalTest, SpeakingRateIsPlausibleAndFollowsTempo) {
  const VoiceProfile normal = Profile("flite-slt"), slow = Profile("flite-slt-slow");
  std::printf("speaking rate: slt %.2f syll/s, slt at 1.5x duration %.2f syll/s\n",
              normal.speaking_rate_sps, slow.speaking_rate_sps);
  EXPECT_GT(normal.speaking_rate_sps, 2.5);
  EXPECT_LT(normal.speaking_rate_sps, 7.0);
  EXPECT_NEAR(normal.speaking_rate_sps / slow.speaking_rate_sps, 1.5, 0.3);
}

TEST(SpeakerEvalTest, ProfileOfRealSpeechSurvivesJson) {
  const VoiceProfile p = Profile("espeak-en+f2");
  auto back = VoiceProfile::FromJson(nlohmann::json::parse(p.ToJson().dump()));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->ToJson(), p.ToJson());
  EXPECT_GT(p.f0_median_hz, 0.0);
  EXPECT_GT(p.formant_scale, 0.0);
}

}  // namespace
}  // namespace vox::voice
