// Integration: a clone is checked against the protected list as callers can play it, at both
// ends of the request pitch range. The protected voice here is flite slt with its F0 halved
// by flite itself (--setf f0_shift=0.5): the unconverted slt voice, asked for pitch 0.5,
// is that voice, though at its own pitch it is an octave away.
#include "voice/clone_protected_check.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "engines/flite_engine.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice {
namespace {

Embedding Enrol(const testing::TestSpeaker& speaker, SpeakerEncoder& encoder) {
  std::vector<Embedding> all;
  for (std::size_t i = 0; i < 4; ++i) {
    auto pcm =
        testing::Synthesize(speaker, testing::EvaluationSentences()[i], testing::DefaultCacheDir());
    EXPECT_TRUE(pcm) << pcm.error().ToString();
    if (!pcm) return {};
    auto e = encoder.Embed(*pcm);
    EXPECT_TRUE(e) << e.error().ToString();
    if (e) all.push_back(*e);
  }
  return *AverageEmbeddings(all);
}

class CloneProtectedCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto flite = engines::FliteEngine::Create();
    ASSERT_TRUE(flite) << flite.error().ToString();
    flite_ = std::move(*flite);
  }
  std::unique_ptr<engines::FliteEngine> flite_;
  StatsSpeakerEncoder encoder_;
};

TEST_F(CloneProtectedCheckTest, CloneMatchingAtAPitchEndIsFound) {
  const testing::TestSpeaker low{
      "flite-slt-f0x0.5", {"flite"}, "flite -voice slt --setf f0_shift=0.5 -f {text} -o {out}"};
  const std::vector<ProtectedVoice> voices = {{"p1", "slt an octave down", Enrol(low, encoder_)}};
  const auto clone = engines::VoiceConversion::Identity("flite-slt");
  auto match = FindProtectedInClone(clone, *flite_, encoder_, voices);
  ASSERT_TRUE(match) << match.error().ToString();
  ASSERT_TRUE(match->has_value());
  std::printf("slt clone at pitch %.1f matched %.3f (shift %d, without pitch %d)\n",
              (*match)->pitch, (*match)->match.similarity, (*match)->match.shift_cents,
              (*match)->match.without_pitch);
  EXPECT_EQ((*match)->match.id, "p1");
  EXPECT_DOUBLE_EQ((*match)->pitch, 0.5);
}

TEST_F(CloneProtectedCheckTest, OtherVoicesDoNotMatchTheCloneAtEitherEnd) {
  std::vector<ProtectedVoice> voices;
  for (const char* id : {"flite-awb", "flite-rms", "espeak-en+m3", "espeak-en+f4"}) {
    voices.push_back({id, id, Enrol(testing::SpeakerById(id), encoder_)});
  }
  const auto start = std::chrono::steady_clock::now();
  auto match = FindProtectedInClone(engines::VoiceConversion::Identity("flite-slt"), *flite_,
                                    encoder_, voices);
  std::printf(
      "clone check, both pitch ends: %.0f ms\n",
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  ASSERT_TRUE(match) << match.error().ToString();
  EXPECT_FALSE(match->has_value()) << (*match)->match.id << " at pitch " << (*match)->pitch << ": "
                                   << (*match)->match.similarity;
}

TEST_F(CloneProtectedCheckTest, EmptyListSynthesizesNothing) {
  auto match =
      FindProtectedInClone(engines::VoiceConversion::Identity("flite-slt"), *flite_, encoder_, {});
  ASSERT_TRUE(match);
  EXPECT_FALSE(match->has_value());
}

}  // namespace
}  // namespace vox::voice
