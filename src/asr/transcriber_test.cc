// Integration: the pocketsphinx transcriber's dictionary lookup and grammar searches, on the
// installed US English model. What a grammar hears in speech is measured in
// voice/consent_challenge_eval_test.cc.
#include "asr/transcriber.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vox::asr {
namespace {

constexpr const char* kDigits =
    "#JSGF V1.0;\ngrammar digits;\npublic <code> = <digit> <digit>;\n"
    "<digit> = zero | one | two | three | four | five | six | seven | eight | nine;\n";

class TranscriberTest : public ::testing::Test {
 protected:
  // One model load (seconds) for the suite.
  static void SetUpTestSuite() {
    auto t = Transcriber::Create({});
    ASSERT_TRUE(t) << t.error().ToString() << " (scripts/install-deps.sh installs pocketsphinx)";
    transcriber_ = std::move(*t);
  }
  static void TearDownTestSuite() { transcriber_.reset(); }
  static audio::PcmBuffer Silence() {
    audio::PcmBuffer pcm;
    pcm.sample_rate = 16000;
    pcm.channels = 1;
    pcm.samples.assign(16000, 0.0f);
    return pcm;
  }
  static inline std::unique_ptr<Transcriber> transcriber_;
};

TEST_F(TranscriberTest, KnowsDictionaryWordsOnly) {
  EXPECT_TRUE(transcriber_->Knows("agree"));
  EXPECT_TRUE(transcriber_->Knows("seven"));
  EXPECT_FALSE(transcriber_->Knows("qzxvkw"));
  EXPECT_FALSE(transcriber_->Knows(""));
}

TEST_F(TranscriberTest, AGrammarWithAnUnknownWordIsAClearErrorAndTheDecoderStillWorks) {
  const std::string bad = "#JSGF V1.0;\ngrammar bad;\npublic <s> = agree qzxvkw;\n";
  auto heard = transcriber_->TranscribeWithGrammar(Silence(), bad);
  ASSERT_FALSE(heard);
  EXPECT_EQ(heard.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(heard.error().field, "grammar");
  auto malformed = transcriber_->TranscribeWithGrammar(Silence(), "public <s> = ;");
  EXPECT_FALSE(malformed);
  // Neither left a broken search active: both kinds of decoding still run.
  EXPECT_TRUE(transcriber_->Transcribe(Silence()));
  EXPECT_TRUE(transcriber_->TranscribeWithGrammar(Silence(), kDigits));
  EXPECT_TRUE(transcriber_->Transcribe(Silence()));
}

TEST_F(TranscriberTest, AGrammarSearchHearsOnlyItsSentences) {
  auto heard = transcriber_->TranscribeWithGrammar(Silence(), kDigits);
  ASSERT_TRUE(heard) << heard.error().ToString();
  // Silence fits no sentence, or one of two digits: never a word outside the grammar.
  if (!heard->empty()) {
    const auto space = heard->find(' ');
    ASSERT_NE(space, std::string::npos) << *heard;
    for (const std::string w : {heard->substr(0, space), heard->substr(space + 1)}) {
      EXPECT_TRUE(std::set<std::string>({"zero", "one", "two", "three", "four", "five", "six",
                                         "seven", "eight", "nine"})
                      .contains(w))
          << w;
    }
  }
}

}  // namespace
}  // namespace vox::asr
