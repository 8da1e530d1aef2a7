// Integration: targets whose F0 was moved with their formants kept (TD-PSOLA,
// test_psola.h), the case a defect report found: Festival's HTS slt raised to
// ~214 Hz was fitted with a -0.15 frequency warp (its pitch read as a shorter
// vocal tract), and the clone was less similar than the base voice and
// unintelligible to pocketsphinx, yet accepted.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "engines/flite_engine.h"
#include "voice/conversion_fit.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice::testing {
// Names the parameter in test output.
void PrintTo(const TestSpeaker& s, std::ostream* os) { *os << s.id; }
}  // namespace vox::voice::testing

namespace vox::voice {
namespace {

namespace corpus = voice::testing;

std::vector<audio::PcmBuffer> Speak(const corpus::TestSpeaker& speaker, size_t first,
                                    size_t count) {
  std::vector<audio::PcmBuffer> out;
  if (!corpus::ToolsAvailable(speaker)) {
    ADD_FAILURE() << speaker.id << " needs " << ::testing::PrintToString(speaker.tools)
                  << " (scripts/install-deps.sh installs them)";
    return out;
  }
  const auto& sentences = corpus::EvaluationSentences();
  for (size_t i = first; i < first + count && i < sentences.size(); ++i) {
    auto pcm = corpus::Synthesize(speaker, sentences[i], corpus::DefaultCacheDir());
    EXPECT_TRUE(pcm) << pcm.error().ToString();
    if (pcm) out.push_back(std::move(*pcm));
  }
  return out;
}

audio::PcmBuffer Concat(const std::vector<audio::PcmBuffer>& parts) {
  audio::PcmBuffer all;
  for (const audio::PcmBuffer& p : parts) {
    all.sample_rate = p.sample_rate;
    all.samples.insert(all.samples.end(), p.samples.begin(), p.samples.end());
  }
  return all;
}

// The original speaker of a PSOLA rendition: same command, no pitch move.
corpus::TestSpeaker Unshifted(corpus::TestSpeaker s) {
  s.id += "-original";
  s.psola_f0_factor = 0.0;
  return s;
}

class PitchMovedTest : public ::testing::TestWithParam<corpus::TestSpeaker> {};

// The analysis itself: F0 moves by the factor, the formant scale does not.
TEST_P(PitchMovedTest, ProfileSeesThePitchMoveButTheSameVocalTract) {
  auto moved = AnalyzeVoice(Concat(Speak(GetParam(), 0, 10)));
  auto original = AnalyzeVoice(Concat(Speak(Unshifted(GetParam()), 0, 10)));
  ASSERT_TRUE(moved && original);
  std::printf("%s: F0 %.1f -> %.1f Hz, formant scale %.3f -> %.3f\n", GetParam().id.c_str(),
              original->f0_median_hz, moved->f0_median_hz, original->formant_scale,
              moved->formant_scale);
  EXPECT_NEAR(moved->f0_median_hz / original->f0_median_hz, GetParam().psola_f0_factor, 0.05);
  EXPECT_NEAR(moved->formant_scale / original->formant_scale, 1.0, 0.04);
}

TEST_P(PitchMovedTest, FitKeepsTheTractAndNeverAcceptsAWorseClone) {
  auto flite = engines::FliteEngine::Create();
  auto asr = asr::Transcriber::Create({});
  ASSERT_TRUE(flite && asr);
  // Enrol on 7 sentences, judge on the 3 held out.
  const audio::PcmBuffer enrol = Concat(Speak(GetParam(), 0, 7));
  ASSERT_FALSE(enrol.empty());
  auto target = AnalyzeVoice(enrol);
  ASSERT_TRUE(target) << target.error().ToString();
  ConversionFitReport report;
  auto fit = FitConversion(*target, enrol, **flite, {}, &report, asr->get());
  ASSERT_TRUE(fit) << fit.error().ToString();
  for (const GuardStep& s : report.guard.steps) {
    std::printf("  %s: cosine %.3f (base %.3f), WER %.2f (base %.2f): %s\n", s.step.c_str(),
                s.similarity, report.guard.base_similarity, s.wer, report.guard.base_wer,
                s.reason.c_str());
  }

  // The fit's own verdict, on its guard passage.
  ASSERT_FALSE(report.guard.steps.empty());
  const GuardStep& chosen = report.guard.steps.back();
  EXPECT_EQ(chosen.step, report.guard.chosen);
  EXPECT_TRUE(chosen.accepted);
  EXPECT_GE(chosen.similarity, report.guard.base_similarity);
  EXPECT_LE(chosen.wer, report.guard.base_wer + ConversionFitOptions{}.guard.max_wer_increase);

  // Held-out sentences: the clone against its base voice.
  const auto& sentences = corpus::EvaluationSentences();
  const std::vector<std::string> held(sentences.begin() + 7, sentences.end());
  auto conversion = std::make_shared<const engines::VoiceConversion>(*fit);
  size_t words = 0, clone_errors = 0, base_errors = 0;
  std::vector<audio::PcmBuffer> clone, plain;
  for (const std::string& s : held) {
    auto c = SynthesizePassage(**flite, fit->base_voice, {s}, conversion);
    auto p = SynthesizePassage(**flite, fit->base_voice, {s}, nullptr);
    ASSERT_TRUE(c && p);
    auto heard_clone = (*asr)->Transcribe(*c), heard_plain = (*asr)->Transcribe(*p);
    ASSERT_TRUE(heard_clone && heard_plain);
    words += asr::WordErrors(s, *heard_clone).reference_words;
    clone_errors += asr::WordErrors(s, *heard_clone).errors;
    base_errors += asr::WordErrors(s, *heard_plain).errors;
    clone.push_back(std::move(*c));
    plain.push_back(std::move(*p));
  }
  StatsSpeakerEncoder encoder;
  auto t = encoder.Embed(enrol), c = encoder.Embed(Concat(clone)), p = encoder.Embed(Concat(plain));
  ASSERT_TRUE(t && c && p);
  const double clone_cos = *CosineSimilarity(*c, *t), base_cos = *CosineSimilarity(*p, *t);
  const double clone_wer = double(clone_errors) / words, base_wer = double(base_errors) / words;
  auto clone_profile = AnalyzeVoice(Concat(clone));
  ASSERT_TRUE(clone_profile);
  std::printf(
      "%s: base %s, step %s, warp %.3f, F0 clone %.1f vs target %.1f Hz, "
      "held-out cosine clone %.3f vs base %.3f, WER clone %.2f vs base %.2f\n",
      GetParam().id.c_str(), fit->base_voice.c_str(), report.guard.chosen.c_str(),
      fit->frequency_warp, clone_profile->f0_median_hz, target->f0_median_hz, clone_cos, base_cos,
      clone_wer, base_wer);
  // Same tract as a base voice (slt) or a male one raised: no large warp either way.
  EXPECT_LT(std::abs(fit->frequency_warp), 0.05);
  EXPECT_GE(clone_cos, base_cos);
  EXPECT_LE(clone_wer, base_wer + 0.15);  // 3 sentences: a little looser than the guard's bound
}

INSTANTIATE_TEST_SUITE_P(Targets, PitchMovedTest, ::testing::ValuesIn(corpus::PitchMovedSpeakers()),
                         [](const auto& info) {
                           std::string name = info.param.id;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace vox::voice
