// The fixture of the consent evaluations (consent_eval_test, consent_challenge_eval_test):
// flite speakers from the test corpus (audio cached under the build tree), one pocketsphinx
// transcriber for the suite, samples enrolled as the averaged stats/1 embedding of the first
// evaluation sentences.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "asr/transcriber.h"
#include "voice/consent.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice::testing {

inline constexpr int kConsentEnrollSentences = 4;  // as in speaker_eval_test.cc

class ConsentEvalFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto t = asr::Transcriber::Create({});
    ASSERT_TRUE(t) << t.error().ToString() << " (scripts/install-deps.sh installs pocketsphinx)";
    transcriber_ = std::move(*t);
  }
  static void TearDownTestSuite() { transcriber_.reset(); }

  static audio::PcmBuffer Speak(const std::string& speaker_id, const std::string& text) {
    const TestSpeaker speaker = SpeakerById(speaker_id);
    if (!ToolsAvailable(speaker)) {
      ADD_FAILURE() << speaker_id << " needs " << ::testing::PrintToString(speaker.tools);
      return {};
    }
    auto pcm = Synthesize(speaker, text, DefaultCacheDir());
    EXPECT_TRUE(pcm) << pcm.error().ToString();
    return pcm ? *pcm : audio::PcmBuffer{};
  }

  // The "uploaded samples": the averaged embedding of the first evaluation sentences.
  Embedding Enrol(const std::string& speaker_id) {
    std::vector<Embedding> all;
    for (int i = 0; i < kConsentEnrollSentences; ++i) {
      auto e = encoder_.Embed(Speak(speaker_id, EvaluationSentences()[i]));
      EXPECT_TRUE(e) << e.error().ToString();
      if (e) all.push_back(*e);
    }
    auto mean = AverageEmbeddings(all);
    EXPECT_TRUE(mean) << mean.error().ToString();
    return mean ? *mean : Embedding{};
  }

  ConsentCheck Verify(const audio::PcmBuffer& recording, const std::string& statement,
                      const Embedding& samples) {
    auto check = VerifyConsent(recording, statement, samples, *transcriber_, encoder_);
    EXPECT_TRUE(check) << check.error().ToString();
    return check ? *check : ConsentCheck{};
  }

  static inline std::unique_ptr<asr::Transcriber> transcriber_;
  StatsSpeakerEncoder encoder_;
};

}  // namespace vox::voice::testing
