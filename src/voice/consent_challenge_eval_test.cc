// Integration: the one-time challenge and twisted statements, on flite speakers transcribed by
// pocketsphinx (audio cached under the build tree, see test_corpus.cc). The printed tables are
// where kConsentChallengeWords, the digit vocabulary and max_challenge_misses come from.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "asr/wer.h"
#include "voice/consent.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/consent_eval_fixture.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice {
namespace {

const std::vector<std::string> kVoices = {"flite-slt", "flite-rms", "flite-awb"};

class ConsentChallengeEvalTest : public testing::ConsentEvalFixture {};

std::string Statement(const std::string& name, const std::string& challenge = {}) {
  auto s = ConsentStatement(name, "Vox", challenge);
  EXPECT_TRUE(s) << s.error().ToString();
  return s ? *s : std::string();
}

// Fixed challenges (not NewConsentChallenge's) so the synthesized audio is cached and the
// table is the same on every run.
const std::vector<std::string> kDigitChallenges = {
    "seven two nine four one six", "three eight zero five two nine",
    "one four six eight three seven", "nine zero two five six one"};
const std::vector<std::string> kWordChallenges = {
    "purple river candle mountain", "orange garden pencil thunder", "silver window rabbit forest",
    "yellow basket dragon winter"};

// How many challenge words pocketsphinx hears in order after "Vox", per kind: digits against
// common nouns and colours. Digits won (see the README's table), so NewConsentChallenge spells
// digits.
// In the suite one voice reads them (the table in the README came from all three: digits
// missed 0 of 72 words, common words 18 of 48).
TEST_F(ConsentChallengeEvalTest, DigitsAreHeardBetterThanWords) {
  auto heard_share = [&](const std::vector<std::string>& challenges) {
    int words = 0, missed = 0, passed = 0, readings = 0;
    for (const std::string& voice : {kVoices[0]}) {
      const Embedding self = Enrol(voice);
      for (const std::string& challenge : challenges) {
        const std::string statement = Statement("Jane Doe", challenge);
        const ConsentCheck c = Verify(Speak(voice, statement), statement, self);
        const auto n = static_cast<int>(asr::WordsForScoring(challenge).size());
        const int miss = c.challenge_missed.value_or(n);
        std::printf("%-10s %-32s missed %d  %s  \"%s\"\n", voice.c_str(), challenge.c_str(), miss,
                    c.passed ? "pass" : "FAIL", c.transcript.c_str());
        words += n, missed += std::min(miss, n), passed += c.passed, ++readings;
      }
    }
    std::printf("  -> %d of %d words missed, %d of %d readings passed\n", missed, words, passed,
                readings);
    return std::pair{1.0 - static_cast<double>(missed) / words, passed};
  };
  const auto [digits_heard, digits_passed] = heard_share(kDigitChallenges);
  const auto [words_heard, words_passed] = heard_share(kWordChallenges);
  std::printf("challenge words heard: digits %.3f, common words %.3f\n", digits_heard, words_heard);
  EXPECT_GE(digits_heard, words_heard);
  // Every genuine reading with a digit challenge passes with the defaults.
  EXPECT_EQ(digits_passed, static_cast<int>(kDigitChallenges.size()));
}

// Genuine readings whose digits run together for the language model ("two two" heard as
// "tube", "one one" as "won won", "four eight" as "for a"): refused on the transcript alone,
// each passes on the grammar pass. These failed CI once, drawn at random by
// NewConsentChallenge (1 reading in 5 by slt, 1 in 15 by slt-f0x1.2, before the grammar).
TEST_F(ConsentChallengeEvalTest, RunTogetherDigitsAreHeardByTheGrammarPass) {
  const std::vector<std::pair<std::string, std::string>> readings = {
      {"flite-slt", "two two zero two eight five"},
      {"flite-slt", "one one five four four eight"},
      {"flite-slt", "four eight zero seven four six"},
      {"flite-slt-f0x1.2", "three two nine two eight two"}};
  for (const auto& [voice, challenge] : readings) {
    const Embedding self = Enrol(voice);
    const std::string statement = Statement("Jane Doe", challenge);
    const ConsentCheck c = Verify(Speak(voice, statement), statement, self);
    EXPECT_TRUE(c.passed) << voice << " " << challenge << ": " << c.reason << " \""
                          << c.transcript << "\"";
    auto transcript_only = CheckConsentTranscript(statement, c.transcript);
    ASSERT_TRUE(transcript_only) << transcript_only.error().ToString();
    EXPECT_FALSE(transcript_only->passed) << voice << " " << challenge << ": \"" << c.transcript
                                          << "\" now passes on the transcript alone";
  }
}

TEST_F(ConsentChallengeEvalTest, AnotherChallengeIsRefused) {
  // A recording made for one challenge (an earlier request, or someone else's) does not carry
  // the challenge issued now.
  const Embedding slt = Enrol("flite-slt");
  const std::string spoken = Statement("Jane Doe", kDigitChallenges[0]);
  for (std::size_t k = 1; k < kDigitChallenges.size(); ++k) {
    const std::string issued = Statement("Jane Doe", kDigitChallenges[k]);
    const ConsentCheck c = Verify(Speak("flite-slt", spoken), issued, slt);
    std::printf("issued %-30s spoken %s: wer %.2f -> %s\n", kDigitChallenges[k].c_str(),
                kDigitChallenges[0].c_str(), c.wer, c.reason.c_str());
    EXPECT_FALSE(c.passed);
    EXPECT_NE(c.reason.find("the challenge was not heard"), std::string::npos) << c.reason;
  }
  // And a statement read without its challenge.
  const ConsentCheck bare = Verify(Speak("flite-slt", Statement("Jane Doe")),
                                   Statement("Jane Doe", kDigitChallenges[1]), slt);
  EXPECT_FALSE(bare.passed);
  EXPECT_NE(bare.reason.find("the challenge was not heard"), std::string::npos) << bare.reason;
}

// Statements twisted into refusal or coercion, read by the speaker of the samples: each has a
// low WER against the statement (the twist is a word or two, or hides in the name slot) and
// each is refused.
TEST_F(ConsentChallengeEvalTest, TwistedStatementsAreRefused) {
  const std::string challenge = kDigitChallenges[0];
  const std::string issued = Statement("Jane Doe", challenge);
  const std::string tail =
      " that recordings of my voice will be used by Vox to create a synthetic version of my "
      "voice. My code is " +
      challenge + ".";
  const std::vector<std::string> twisted = {
      "I, Jane Doe, object" + tail,
      "I, Jane Doe, forbid" + tail,
      "I, Jane Doe, reject" + tail,
      "I, Jane Doe, oppose" + tail,
      "I, Jane Doe, revoke my consent" + tail,
      "I, Jane Doe, withdraw my agreement" + tail,
      "I, Jane Doe, am being forced to agree" + tail,
      "I, Jane Doe, was coerced to agree" + tail,
      "I, Jane Doe, agree under duress" + tail,
      "I, Jane Doe, do not agree" + tail,
      "I, Jane Doe, am against it" + tail,
  };
  // Every twist read by slt; the three that hide best (coercion after "agree", a plain
  // negation) by every voice (awb's "agree under duress" once passed as "agree on guard the
  // rest of"). The ASR's transcripts of all 33 readings are replayed in consent_test.cc.
  const std::vector<std::size_t> hardest = {6, 8, 9};
  for (const std::string& voice : kVoices) {
    const Embedding self = Enrol(voice);
    for (std::size_t k = 0; k < twisted.size(); ++k) {
      if (voice != kVoices[0] && std::find(hardest.begin(), hardest.end(), k) == hardest.end()) {
        continue;
      }
      const std::string& text = twisted[k];
      const ConsentCheck c = Verify(Speak(voice, text), issued, self);
      std::printf("%-10s wer %.2f %-44.44s -> %s\n   \"%s\"\n", voice.c_str(), c.wer,
                  text.c_str() + 3, c.reason.c_str(), c.transcript.c_str());
      EXPECT_FALSE(c.passed) << voice << ": " << text << " heard as \"" << c.transcript << "\"";
    }
  }
}

TEST_F(ConsentChallengeEvalTest, GenuineStatementsWithAChallengePass) {
  const std::vector<std::string> names = {"Jane Doe", "Siobhan Nguyen", "Mary O'Neil",
                                          "Bartholomew Oyelaran-Whitfield"};
  for (const std::string& voice : kVoices) {
    const Embedding self = Enrol(voice);
    for (std::size_t k = 0; k < names.size(); ++k) {
      const std::string statement =
          Statement(names[k], kDigitChallenges[k % kDigitChallenges.size()]);
      const ConsentCheck c = Verify(Speak(voice, statement), statement, self);
      std::printf("%-10s %-32s wer %.2f sim %.3f %s \"%s\"\n", voice.c_str(), names[k].c_str(),
                  c.wer, c.similarity.value_or(-9), c.passed ? "pass" : c.reason.c_str(),
                  c.transcript.c_str());
      EXPECT_TRUE(c.passed) << voice << " " << names[k] << ": " << c.reason;
    }
  }
}

// The speaker the end-to-end tests clone (slt with a 20% higher pitch) reading challenges that
// put every digit in several positions, as NewConsentChallenge's random ones do.
TEST_F(ConsentChallengeEvalTest, EveryDigitIsHeardFromTheEndToEndSpeaker) {
  const std::vector<std::string> challenges = {
      "eight eight zero three six two", "five one nine seven four zero",
      "two six eight one three five",   "zero seven four four nine eight",
      "six three one two eight seven",  "four nine five zero one three"};
  const Embedding self = Enrol("flite-slt-f0x1.2");
  int passed = 0;
  for (const std::string& challenge : challenges) {
    const std::string statement = Statement("Jane Doe", challenge);
    const ConsentCheck c = Verify(Speak("flite-slt-f0x1.2", statement), statement, self);
    std::printf("slt-f0x1.2 %-32s missed %d %s \"%s\"\n", challenge.c_str(),
                c.challenge_missed.value_or(-1), c.passed ? "pass" : c.reason.c_str(),
                c.transcript.c_str());
    passed += c.passed;
  }
  EXPECT_EQ(passed, static_cast<int>(challenges.size()));
}

// The measurement behind DECISIONS #81, with challenges drawn as the server draws them (new
// audio each run, so minutes, not in the suite):
//   src/voice/voice_consent_challenge_eval_test --gtest_also_run_disabled_tests \
//     --gtest_filter='*RandomChallenges*'
// Each genuine reading is also checked against another random challenge (a replay).
TEST_F(ConsentChallengeEvalTest, DISABLED_RandomChallengesAreHeardAndOthersRefused) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress while it runs
  for (const std::string voice : {"flite-slt", "flite-slt-f0x1.2", "flite-rms", "flite-awb"}) {
    const Embedding self = Enrol(voice);
    const int readings = voice == "flite-slt" ? 50 : 25;
    int passed = 0, replays_passed = 0;
    for (int i = 0; i < readings; ++i) {
      const std::string challenge = NewConsentChallenge();
      const std::string statement = Statement("Jane Doe", challenge);
      const audio::PcmBuffer reading = Speak(voice, statement);
      const ConsentCheck c = Verify(reading, statement, self);
      passed += c.passed;
      if (!c.passed) {
        std::printf("%s refused: %s | \"%s\" | %s\n", voice.c_str(), challenge.c_str(),
                    c.transcript.c_str(), c.reason.c_str());
      }
      const std::string other = NewConsentChallenge();
      const ConsentCheck replay = Verify(reading, Statement("Jane Doe", other), self);
      replays_passed += replay.passed;
      EXPECT_FALSE(replay.passed) << voice << " read " << challenge << ", accepted for " << other;
    }
    std::printf("%s: %d of %d genuine readings passed, %d of %d replays\n", voice.c_str(), passed,
                readings, replays_passed, readings);
    EXPECT_GE(passed * 100, readings * 95) << voice;
  }
}

}  // namespace
}  // namespace vox::voice
