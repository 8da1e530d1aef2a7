// The consent statement and the transcript scoring, without audio (consent_eval_test.cc runs
// the whole check on synthesized recordings).
#include "voice/consent.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "asr/wer.h"

namespace vox::voice {
namespace {

TEST(ConsentStatementTest, ExactText) {
  EXPECT_EQ(*ConsentStatement("Jane Doe"),
            "I, Jane Doe, agree that recordings of my voice will be used by Vox to create a "
            "synthetic version of my voice.");
  EXPECT_EQ(*ConsentStatement("  Mary   O'Neil-Smith Jr. ", "Acme Voice 2"),
            "I, Mary O'Neil-Smith Jr., agree that recordings of my voice will be used by Acme "
            "Voice 2 to create a synthetic version of my voice.");
  EXPECT_EQ(*ConsentStatement("Zo\xc3\xab \xc5\x81ukasz"),  // Zoë Łukasz
            "I, Zo\xc3\xab \xc5\x81ukasz, agree that recordings of my voice will be used by Vox "
            "to create a synthetic version of my voice.");
  EXPECT_TRUE(ConsentStatement(std::string(100, 'a')));
}

TEST(ConsentStatementTest, RejectedNames) {
  for (const std::string& bad : std::vector<std::string>{
           "", "   ", std::string(101, 'a'), "Jane, Doe", "Jane2", "R2-D2", "-'.", "Jane\nDoe",
           "\xe4\xb8\xad\xe6\x96\x87",  // CJK: not a Latin letter
           "Jane \xc3\x97", "\xff\xfe", "Bobby\"); DROP TABLE voices;--"}) {
    auto r = ConsentStatement(bad);
    ASSERT_FALSE(r) << ::testing::PrintToString(bad);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "speaker_name") << bad;
  }
  auto r = ConsentStatement("Jane", "Vox!");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "platform_name");
  EXPECT_FALSE(ConsentStatement("Jane", ""));
}

TEST(ConsentWerTest, NameIsAFreeSlot) {
  const std::string s = *ConsentStatement("Siobhan Nguyen");
  // 20 words besides the name. Exact reading: 0.
  EXPECT_DOUBLE_EQ(*ConsentWordErrorRate(
                       s,
                       "i siobhan nguyen agree that recordings of my voice will be used by vox "
                       "to create a synthetic version of my voice"),
                   0.0);
  // pocketsphinx on flite slt: the name became five words (free), and "i'm", "i'll", "box",
  // "bias" are 4 substitutions of 20.
  EXPECT_NEAR(*ConsentWordErrorRate(s,
                                    "i'm shannon and g y n agree that recordings of my voice "
                                    "i'll be used by box to create a synthetic version of my "
                                    "bias"),
              4.0 / 20, 1e-12);
  // The slot holds at most 2 x 2 + 2 = 6 words; more are insertions.
  EXPECT_NEAR(*ConsentWordErrorRate(s,
                                    "i a b c d e f g h agree that recordings of my voice will "
                                    "be used by vox to create a synthetic version of my voice"),
              2.0 / 20, 1e-12);
  EXPECT_DOUBLE_EQ(*ConsentWordErrorRate(s, ""), 1.0);
  EXPECT_GT(*ConsentWordErrorRate(s, "the birch canoe slid on the smooth planks"), 0.9);
}

TEST(ConsentWerTest, StatementsOfAnotherShapeAreComparedWhole) {
  EXPECT_DOUBLE_EQ(*ConsentWordErrorRate("I agree to 2 things.", "i agree to two things"), 0.0);
  EXPECT_DOUBLE_EQ(*ConsentWordErrorRate("I agree to 2 things.", "i agree to things"), 0.2);
  auto r = ConsentWordErrorRate("...", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "statement");
}

TEST(ConsentStatementTest, Challenge) {
  EXPECT_EQ(*ConsentStatement("Jane Doe", "Vox", "seven two nine"),
            "I, Jane Doe, agree that recordings of my voice will be used by Vox to create a "
            "synthetic version of my voice. My code is seven two nine.");
  for (const std::string bad :
       {"Seven", "seven  two", " seven", "seven2", "sept.", "x\ny", std::string(81, 'a').c_str()}) {
    auto r = ConsentStatement("Jane Doe", "Vox", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "challenge") << bad;
  }
}

TEST(ConsentStatementTest, NewChallengesAreSixDigitWordsAndVary) {
  std::set<std::string> seen;
  std::map<std::string, int> counts;
  for (int i = 0; i < 200; ++i) {
    const std::string c = NewConsentChallenge();
    EXPECT_TRUE(ValidateConsentChallenge(c)) << c;
    const auto words = asr::WordsForScoring(c);
    ASSERT_EQ(words.size(), 6u) << c;
    for (const auto& w : words) ++counts[w];
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 200u);   // 10^6 values: a repeat in 200 has probability 2%
  EXPECT_EQ(counts.size(), 10u);  // every digit drawn
  for (const auto& [word, n] : counts) EXPECT_GT(n, 60) << word;  // 120 expected each
  EXPECT_EQ(asr::WordsForScoring(NewConsentChallenge(3)).size(), 3u);
}

TEST(ConsentWerTest, NameSlotHoldsAboutTheNamesLength) {
  const std::string s = *ConsentStatement("Jane Doe");
  // "jane doe" is 7 letters; the slot holds 7 + 4 = 11: a mishearing fits, a clause does not.
  EXPECT_DOUBLE_EQ(*ConsentWordErrorRate(s,
                                         "i jean though agree that recordings of my voice will "
                                         "be used by vox to create a synthetic version of my "
                                         "voice"),
                   0.0);
  EXPECT_GT(*ConsentWordErrorRate(s,
                                  "i jane doe am being forced to agree that recordings of my "
                                  "voice will be used by vox to create a synthetic version of "
                                  "my voice"),
            0.0);
}

// Transcripts pocketsphinx made of flite slt, rms and awb (consent_challenge_eval_test.cc),
// checked without audio. Genuine readings with a digit challenge.
struct Heard {
  std::string name, challenge, transcript;
};
const std::vector<Heard> kGenuineHeard = {
    {"Jane Doe", "seven two nine four one six",
     "hi jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is seven to nine four one six"},
    {"Jane Doe", "three eight zero five two nine",
     "hi jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is three eight zero five to nine"},
    {"Jane Doe", "one four six eight three seven",
     "hi jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is one four six eight three seven"},
    {"Jane Doe", "nine zero two five six one",
     "hi jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is nine zero two five six one"},
    {"Jane Doe", "seven two nine four one six",
     "by jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is seven to nine four one six"},
    {"Jane Doe", "three eight zero five two nine",
     "by jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is three eight zero five two nine"},
    {"Jane Doe", "one four six eight three seven",
     "by jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is one four six eight three seven"},
    {"Jane Doe", "nine zero two five six one",
     "by jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is nine zero two five six one"},
    {"Jane Doe", "seven two nine four one six",
     "hi jane doe agree that recordings of my boys will be used by box to create the synthetic "
     "version of my voice my code is seven to nine four one six"},
    {"Jane Doe", "three eight zero five two nine",
     "hi jane doe agree that recordings of my boys will be used by box to create the synthetic "
     "version of my voice my code is three eight zero five two nine"},
    {"Jane Doe", "one four six eight three seven",
     "hi jane doe agree that recordings of my boys will be used by box to create the synthetic "
     "version of my voice my code is one four six eight three seven"},
    {"Jane Doe", "nine zero two five six one",
     "hi jane doe agree that recordings of my boys will be used by box to create the synthetic "
     "version of my voice my code is nine zero two five six one"},
    {"Jane Doe", "seven two nine four one six",
     "hi jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is seven to nine four one six"},
    {"Siobhan Nguyen", "three eight zero five two nine",
     "i found on n g y n agree that recordings of my voice will be used by box to create a "
     "synthetic version of my bias my code is three eight zero five to nine"},
    {"Mary O'Neil", "one four six eight three seven",
     "hi mary an eel agree that recordings of my voice will be used by box to create a synthetic "
     "version of my bias my code is one four six eight three seven"},
    {"Bartholomew Oyelaran-Whitfield", "nine zero two five six one",
     "hi bartholomew my eller n whitfield agree that recordings of my voice will be used by box to "
     "create a synthetic version of my bias my code is nine zero two five six one"},
    {"Jane Doe", "seven two nine four one six",
     "by jane doe agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is seven to nine four one six"},
    {"Siobhan Nguyen", "three eight zero five two nine",
     "i siobhan m g u y yeah and i agree that recordings of my voice will be used by box to create "
     "a synthetic version of my voice my code is three eight zero five two nine"},
    {"Mary O'Neil", "one four six eight three seven",
     "i marry o'neill agree that recordings of my voice will be used by box to create a synthetic "
     "version of my voice my code is one four six eight three seven"},
    {"Bartholomew Oyelaran-Whitfield", "nine zero two five six one",
     "i bartholomew oiler in which field agree that recordings of my voice will be used by box to "
     "create a synthetic version of my voice my code is nine zero two five six one"},
    {"Jane Doe", "seven two nine four one six",
     "hi jane doe agree that recordings of my boys will be used by box to create the synthetic "
     "version of my voice my code is seven to nine four one six"},
    {"Siobhan Nguyen", "three eight zero five two nine",
     "i shot above and to you why you and agree that recordings of my boys will be used by box to "
     "create a synthetic version of my voice my code is three eight zero five two nine"},
    {"Mary O'Neil", "one four six eight three seven",
     "i met a movie all agree that recordings of my boys will be used by box to create a synthetic "
     "version of my voice my code is one four six eight three seven"},
    {"Bartholomew Oyelaran-Whitfield", "nine zero two five six one",
     "i'd bartholomew oil and whitfield agree that recordings of my boys will be used by books to "
     "create a synthetic version of my voice my code is nine zero two five six one"},
};
// The same statement twisted into refusal or coercion (challenge "seven two nine four one six").
const std::vector<std::string> kTwistedHeard = {
    "hi jane doe object that recordings of my voice will be used by box to create a synthetic "
    "version of my voice my code is seventy nine four one six",
    "hi jane doe forbid that recordings of my voice will be used by box to create a synthetic "
    "version of my bias my code is seven to nine four one six",
    "hi jane doe reject that recordings of my voice will be used by box to create a synthetic "
    "version of my bias my code is seven to nine four one six",
    "hi jane doe that has that recordings of my voice will be used by box to create a synthetic "
    "version of my bias my code is seven to nine four one six",
    "hi jane doe revoke my consent that recordings of my voice will be used by box to create a "
    "synthetic version of my bias my code is seven to nine four one six",
    "hi jane doe withdraw my agreement that recordings of my voice will be used by box to create a "
    "synthetic version of my vice my dad is seventy nine four one six",
    "hi jane doe and being forced to agree that recordings of my voice will be used by box to "
    "create a synthetic version of my vice my dad is seventy nine four one six",
    "hi jane doe was coerced to agree that recordings of my voice will be used by box to create a "
    "synthetic version of my bias my dad is seventy nine four one six",
    "hi jane doe degree and her dress that recordings of my voice will be used by box to create a "
    "synthetic version of my bias my code is seventy nine four one six",
    "hi jane doe do not agree that recordings of my voice will be used by box to create a "
    "synthetic version of my bias my dad is seventy nine four one six",
    "hi jane doe and again said that recordings of my voice will be used by box to create a "
    "synthetic version of my bias my code is seventy nine four one six",
    "by jane doe object that recordings of my voice will be used by box to create a synthetic "
    "version of my voice my code is seven to nine four one six",
    "by jane doe forbid that recordings of my voice will be used by box to create a synthetic "
    "version of my voice my code is seven to nine four one six",
    "by jane doe reject that recordings of my voice will be used by fox to create a synthetic "
    "version of my voice my code is seven to nine four one six",
    "by jane doe oppose that recordings of my voice will be used by box to create a synthetic "
    "version of my voice my code is seven to nine four one six",
    "by jane doe revoke my consent that recordings of my voice will be used by fox to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "by jane doe withdraw my agreement that recordings of my voice will be used by fox to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "by jane doe am being forced to agree that recordings of my voice will be used by fox to "
    "create a synthetic version of my voice my code is seven to nine four one six",
    "by jane doe was coerced to agree that recordings of my voice will be used by fox to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "by jane doe agree under duress that recordings of my voice will be used by fox to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "by jane doe do not agree that recordings of my voice will be used by fox to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "by jane doe am against it that recordings of my voice will be used by fox to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe object that recordings of my boys will be used by books to create the synthetic "
    "version of my voice my code is seven to nine four one six",
    "hi jane doe forbid that recordings of my boys will be used by books to create a synthetic "
    "version of my voice my code is seven to nine four one six",
    "hi jane doe reject that recordings of my boys will be used by box to create the synthetic "
    "version of my voice my code is seven to nine four one six",
    "i again told the post of recordings of my boys will be used by books to create a synthetic "
    "version of my voice my code is seven to nine four one six",
    "hi jane doe revoke my current setup recordings of my boys will be used by box to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe withdraw my agreement that recordings of my boys will be used by box to create "
    "the synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe and being forced to agree that recordings of my boys will be used by box to "
    "create the synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe was coerced to agree that recordings of my boys will be used by box to create the "
    "synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe agree on guard the rest of recordings of my boys will be used by box to create a "
    "synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe do not agree that recordings of my boys will be used by box to create the "
    "synthetic version of my voice my code is seven to nine four one six",
    "hi jane doe i'm against it that recordings of my boys will be used by box to create the "
    "synthetic version of my voice my code is seven to nine four one six",
};

TEST(ConsentTranscriptTest, GenuineReadingsPassAndTwistedOnesFail) {
  for (const auto& [name, challenge, heard] : kGenuineHeard) {
    auto c = CheckConsentTranscript(*ConsentStatement(name, "Vox", challenge), heard);
    ASSERT_TRUE(c) << c.error().ToString();
    EXPECT_TRUE(c->passed) << heard << ": " << c->reason;
    EXPECT_EQ(c->challenge_missed, 0) << heard;
  }
  const std::string issued = *ConsentStatement("Jane Doe", "Vox", "seven two nine four one six");
  for (const std::string& heard : kTwistedHeard) {
    auto c = CheckConsentTranscript(issued, heard);
    ASSERT_TRUE(c) << c.error().ToString();
    EXPECT_FALSE(c->passed) << heard;
    EXPECT_LT(c->wer, 0.5) << heard << ": the WER alone would have accepted it";
  }
  // Another challenge than the one issued.
  auto other =
      CheckConsentTranscript(*ConsentStatement("Jane Doe", "Vox", "three eight zero five two nine"),
                             kGenuineHeard[0].transcript);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->passed);
  EXPECT_NE(other->reason.find("challenge was not heard"), std::string::npos) << other->reason;
}

TEST(ConsentTranscriptTest, AnchorsMustComeInOrderWithNothingSlippedBetween) {
  const std::string s = *ConsentStatement("Jane Doe", "Vox", "seven two nine");
  const std::string ok =
      "i jane doe agree that recordings of my voice will be used by vox to create a synthetic "
      "version of my voice my code is seven two nine";
  EXPECT_TRUE(CheckConsentTranscript(s, ok)->passed) << CheckConsentTranscript(s, ok)->reason;
  struct Case {
    std::string heard, says;
  };
  for (const Case& c : std::vector<Case>{
           {"i jane doe that recordings of my voice will be used by vox to create a synthetic "
            "version of my voice my code is seven two nine",
            "'agree' was not heard"},
           {"i jane doe agree that recordings of my voice will be used by him to create a "
            "synthetic version of my voice my code is seven two nine",
            "platform's name was not heard"},
           // The challenge before the platform's name is out of order.
           {"i jane doe agree my code is seven two nine that recordings of my voice will be used "
            "by vox to create a synthetic version of my voice",
            ""},  // refused; which rule says so first does not matter
           {"i jane doe agree only if paid well that recordings of my voice will be used by vox to "
            "create a synthetic version of my voice my code is seven two nine",
            "adds"},
           {"i jane doe agree that recordings of my voice will be used by vox only in my own "
            "lifetime to create a synthetic version of my voice my code is seven two nine",
            "adds"}}) {
    auto r = CheckConsentTranscript(s, c.heard);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_FALSE(r->passed) << c.heard;
    EXPECT_NE(r->reason.find(c.says), std::string::npos) << c.heard << ": " << r->reason;
  }
  // One challenge word missed is tolerated; two are not.
  EXPECT_TRUE(CheckConsentTranscript(s, ok.substr(0, ok.size() - 5))->passed);
  EXPECT_FALSE(CheckConsentTranscript(s, ok.substr(0, ok.size() - 10))->passed);
}

TEST(ConsentOptionsTest, Validate) {
  EXPECT_TRUE(ConsentOptions{}.Validate());
  EXPECT_EQ(ConsentOptions{.max_wer = 1.5}.Validate().error().field, "max_wer");
  EXPECT_EQ(ConsentOptions{.min_similarity = -0.1}.Validate().error().field, "min_similarity");
  EXPECT_EQ(ConsentOptions{.min_source_similarity = 0.0}.Validate().error().field,
            "min_source_similarity");
  EXPECT_FALSE((ConsentOptions{.max_wer = 0.3, .min_similarity = std::nan("")}.Validate()));
  EXPECT_EQ(ConsentOptions{.max_challenge_misses = 3}.Validate().error().field,
            "max_challenge_misses");
}

}  // namespace
}  // namespace vox::voice
