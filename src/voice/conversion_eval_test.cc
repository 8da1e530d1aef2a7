// Integration: fitting a conversion on speakers made with the command-line
// tools (test_corpus.cc; cached under the build tree), none of them a flite
// base voice: Festival's ked diphone voice and slt shifted +20% by sox (F0 and
// formants: a smaller speaker). bench/clone_bench.cc runs the full table.
#include <gtest/gtest.h>

#include <memory>

#include "engines/flite_engine.h"
#include "voice/conversion_fit.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice {
namespace {

audio::PcmBuffer Speak(const std::string& speaker_id, size_t first, size_t count) {
  const testing::TestSpeaker speaker = testing::SpeakerById(speaker_id);
  if (!testing::ToolsAvailable(speaker)) {
    ADD_FAILURE() << speaker_id << " needs " << ::testing::PrintToString(speaker.tools)
                  << " (scripts/install-deps.sh installs them)";
    return {};
  }
  audio::PcmBuffer all;
  const auto& sentences = testing::EvaluationSentences();
  for (size_t i = first; i < first + count && i < sentences.size(); ++i) {
    auto pcm = testing::Synthesize(speaker, sentences[i], testing::DefaultCacheDir());
    EXPECT_TRUE(pcm) << pcm.error().ToString();
    if (!pcm) return {};
    all.sample_rate = pcm->sample_rate;
    all.samples.insert(all.samples.end(), pcm->samples.begin(), pcm->samples.end());
  }
  return all;
}

class ConversionEvalTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ConversionEvalTest, CloneIsCloserToTheTargetThanItsBaseVoice) {
  auto flite = engines::FliteEngine::Create();
  ASSERT_TRUE(flite);
  // Enrol on 7 sentences, judge on the 3 held out.
  const audio::PcmBuffer enrol = Speak(GetParam(), 0, 7);
  ASSERT_FALSE(enrol.empty());
  auto target = AnalyzeVoice(enrol);
  ASSERT_TRUE(target) << target.error().ToString();
  auto fit = FitConversion(*target, enrol, **flite);
  ASSERT_TRUE(fit) << fit.error().ToString();

  const auto& sentences = testing::EvaluationSentences();
  const std::vector<std::string> held(sentences.begin() + 7, sentences.end());
  auto clone = SynthesizePassage(**flite, fit->base_voice, held,
                                 std::make_shared<const engines::VoiceConversion>(*fit));
  auto plain = SynthesizePassage(**flite, fit->base_voice, held, nullptr);
  ASSERT_TRUE(clone && plain);
  auto clone_profile = AnalyzeVoice(*clone);
  ASSERT_TRUE(clone_profile);
  StatsSpeakerEncoder encoder;
  auto t = encoder.Embed(enrol), c = encoder.Embed(*clone), p = encoder.Embed(*plain);
  ASSERT_TRUE(t && c && p);
  const double clone_cos = *CosineSimilarity(*c, *t), base_cos = *CosineSimilarity(*p, *t);
  std::printf("%s: base %s, F0 clone %.1f vs target %.1f Hz, cosine clone %.3f vs base %.3f\n",
              GetParam(), fit->base_voice.c_str(), clone_profile->f0_median_hz,
              target->f0_median_hz, clone_cos, base_cos);
  EXPECT_NEAR(clone_profile->f0_median_hz / target->f0_median_hz, 1.0, 0.1);
  EXPECT_GT(clone_cos, base_cos);
}

INSTANTIATE_TEST_SUITE_P(Targets, ConversionEvalTest,
                         ::testing::Values("festival-ked", "flite-slt-shift+20"),
                         [](const auto& info) { return testing::TestNameOf(info.param); });

}  // namespace
}  // namespace vox::voice
