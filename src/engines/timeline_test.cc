// Word timestamps from real engines, on the caller's text and on the normalized text,
// for plans made by Prepare() and by Resume() + Align() (the worker's path).
#include "engines/timeline.h"

#include <gtest/gtest.h>

#include "engines/testing/shared_registry.h"

namespace vox::engines {
namespace {

Timeline Collect(const Synthesizer& synth, const SynthesisPlan& plan, const std::string& raw,
                 double* duration = nullptr) {
  Timeline timeline(plan, raw);
  double end = 0;
  const Status s = synth.RunSentences(plan, [&](size_t sentence, AudioChunk&& chunk) -> Status {
    timeline.Add(sentence, chunk);
    end = chunk.offset_s + chunk.pcm.duration_s();
    return {};
  });
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  if (duration) *duration = end;
  return timeline;
}

std::vector<std::string> Words(const std::vector<text::WordTime>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.word);
  return out;
}

TEST(Timeline, WordsAreTheWrittenOnesInTime) {
  Synthesizer synth(testing::SharedRegistry());
  const std::string raw = "Dr. Smith paid $3.50 today. It was 5 km away!";
  for (const char* voice : {"flite-slt", "espeak-en-us"}) {
    SCOPED_TRACE(voice);
    auto plan = synth.Prepare(raw, voice, {}, {});
    ASSERT_TRUE(plan.has_value());
    double duration = 0;
    Timeline timeline = Collect(synth, *plan, raw, &duration);
    ASSERT_TRUE(timeline.timed());
    EXPECT_EQ(Words(timeline.words()),
              (std::vector<std::string>{"Dr.", "Smith", "paid", "$3.50", "today", "It", "was",
                                        "5 km", "away"}));
    for (size_t i = 1; i < timeline.words().size(); ++i) {
      EXPECT_GE(timeline.words()[i].start_s, timeline.words()[i - 1].end_s);
    }
    EXPECT_GT(timeline.words().back().end_s, 1.0);
    EXPECT_LE(timeline.words().back().end_s, duration + 1e-6);
    const auto json = WordTimestampsJson(timeline.words());
    EXPECT_EQ(json[3]["word"], "$3.50");
    EXPECT_EQ(json[3]["char_start"], 15);
    EXPECT_EQ(json[3]["char_end"], 20);
  }
}

TEST(Timeline, ResumedPlansAreAlignedAgainWhenTheTextStillPreparesTheSame) {
  Synthesizer synth(testing::SharedRegistry());
  const std::string raw = "Hello there. It costs $3.50.";
  auto prepared = synth.Prepare(raw, "flite-slt", {}, {});
  ASSERT_TRUE(prepared.has_value());
  auto resumed = synth.Resume("flite-slt", {}, prepared->sentences);
  ASSERT_TRUE(resumed.has_value());
  EXPECT_TRUE(resumed->sources.empty());
  ASSERT_TRUE(synth.Align(*resumed, raw).has_value());
  Timeline timeline = Collect(synth, *resumed, raw);
  EXPECT_EQ(Words(timeline.words()),
            (std::vector<std::string>{"Hello", "there", "It", "costs", "$3.50"}));
  // Another text (or a changed normalizer) does not align: the plan stays without sources.
  auto other = synth.Resume("flite-slt", {}, prepared->sentences);
  EXPECT_FALSE(synth.Align(*other, "Something else entirely.").has_value());
  EXPECT_TRUE(other->sources.empty());
}

TEST(Timeline, SsmlWordsPointIntoTheDocument) {
  Synthesizer synth(testing::SharedRegistry());
  const std::string ssml =
      "<speak><p>Hello <sub alias=\"doctor\">Dr.</sub> Smith.</p>"
      "<break time=\"300ms\"/>It costs <say-as interpret-as=\"cardinal\">12</say-as> "
      "&amp; more.</speak>";
  auto prepared = synth.PrepareSsml(ssml, "flite-slt", {}, {});
  ASSERT_TRUE(prepared.has_value());
  Timeline timeline = Collect(synth, *prepared, ssml);
  ASSERT_TRUE(timeline.timed());
  EXPECT_EQ(Words(timeline.words()), (std::vector<std::string>{"Hello", "Dr.", "Smith", "It",
                                                               "costs", "12", "&amp;", "more"}));
  const auto json = WordTimestampsJson(timeline.words());
  // Offsets in code points of the document itself.
  EXPECT_EQ(json[0]["char_start"], ssml.find("Hello"));
  EXPECT_EQ(json[5]["char_start"], ssml.find(">12<") + 1);
  EXPECT_EQ(json[5]["char_end"], ssml.find(">12<") + 3);
  for (size_t i = 1; i < timeline.words().size(); ++i) {
    EXPECT_GE(timeline.words()[i].start_s, timeline.words()[i - 1].end_s);
  }
  // The break is in the times: "It" starts at least 0.3 s after "Smith" ends.
  EXPECT_GE(timeline.words()[3].start_s - timeline.words()[2].end_s, 0.3);

  // The worker's path: sentences and styles resumed, then aligned to the document again.
  auto resumed = synth.Resume("flite-slt", {}, prepared->sentences, prepared->styles);
  ASSERT_TRUE(resumed.has_value());
  ASSERT_TRUE(synth.Align(*resumed, ssml).has_value());
  EXPECT_EQ(Words(Collect(synth, *resumed, ssml).words()), Words(timeline.words()));
  // A document whose styles are all the default aligns too (its plan has no styles).
  const std::string plain_ssml = "<speak>Good day.</speak>";
  auto plain = synth.PrepareSsml(plain_ssml, "flite-slt", {}, {});
  ASSERT_TRUE(plain.has_value());
  auto plain_resumed = synth.Resume("flite-slt", {}, plain->sentences);
  ASSERT_TRUE(synth.Align(*plain_resumed, plain_ssml).has_value());
  EXPECT_EQ(Words(Collect(synth, *plain_resumed, plain_ssml).words()),
            (std::vector<std::string>{"Good", "day"}));
  EXPECT_FALSE(synth.Align(*resumed, "<speak>Other words.</speak>").has_value());
}

TEST(Timeline, NormalizedWordsAreOnTheSpokenText) {
  Synthesizer synth(testing::SharedRegistry());
  const std::string raw = "It costs $3.50. Bye.";
  auto plan = synth.Prepare(raw, "flite-slt", {}, {});
  ASSERT_TRUE(plan.has_value());
  Timeline timeline(*plan, raw);
  std::vector<text::WordTime> normalized;
  ASSERT_TRUE(synth
                  .RunSentences(*plan,
                                [&](size_t sentence, AudioChunk&& chunk) -> Status {
                                  auto words = timeline.Add(sentence, chunk);
                                  normalized.insert(normalized.end(), words.normalized.begin(),
                                                    words.normalized.end());
                                  return {};
                                })
                  .has_value());
  EXPECT_EQ(timeline.normalized_text(), "It costs three dollars and fifty cents. Bye.");
  EXPECT_EQ(Words(normalized), (std::vector<std::string>{"It", "costs", "three", "dollars", "and",
                                                         "fifty", "cents", "Bye"}));
}

TEST(Timeline, EnginesWithoutTimingsReportNone) {
  Synthesizer synth(testing::SharedRegistry());
  const std::string raw = "Hello.";
  auto plan = synth.Prepare(raw, "flite-slt", {}, {});
  ASSERT_TRUE(plan.has_value());
  Timeline timeline(*plan, raw);
  AudioChunk untimed;  // what Engine's default SynthesizeStream delivers
  untimed.pcm.sample_rate = 16000;
  untimed.pcm.samples.assign(1600, 0);
  timeline.Add(0, untimed);
  EXPECT_FALSE(timeline.timed());
  EXPECT_TRUE(timeline.words().empty());
}

}  // namespace
}  // namespace vox::engines
