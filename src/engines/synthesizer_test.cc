#include "engines/synthesizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engines/testing/shared_registry.h"

namespace vox::engines {
namespace {

const EngineRegistry& Registry() { return testing::SharedRegistry(); }

struct Word {
  std::string label;   // as the engine read it
  std::string source;  // the raw text it maps to
  double start_s, end_s;
};

// Word timings of the whole plan, on the plan's time line, with their raw source text.
std::vector<Word> TimedWords(const std::string& raw, const std::string& voice) {
  Synthesizer synth(Registry());
  auto plan = synth.Prepare(raw, voice, {}, {});
  EXPECT_TRUE(plan.has_value()) << plan.error().ToString();
  std::vector<Word> words;
  if (!plan) return words;
  const Status s = synth.RunTimed(*plan, [&](AudioChunk&& chunk) -> Status {
    for (const TimingItem& t : chunk.timings) {
      if (t.unit != TimingItem::Unit::kWord) continue;
      EXPECT_LE(t.text_end, raw.size());
      words.push_back({t.label, raw.substr(t.text_begin, t.text_end - t.text_begin),
                       chunk.offset_s + t.start_s, chunk.offset_s + t.end_s});
    }
    return {};
  });
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return words;
}

TEST(SynthesizerTimings, NormalizedWordsMapBackToTheCharactersTyped) {
  const std::string raw = "Dr. Smith paid $3.50 today. It was 5 km away!";
  for (const char* voice : {"flite-slt", "espeak-en-us"}) {
    const std::vector<Word> words = TimedWords(raw, voice);
    std::vector<std::string> money;
    for (const Word& w : words) {
      if (w.source == "$3.50") money.push_back(w.label);
    }
    // "three dollars and fifty cents", however the engine spells the words.
    EXPECT_EQ(money.size(), 5u) << voice;
    std::vector<std::string> sources;
    for (const Word& w : words) {
      if (sources.empty() || sources.back() != w.source) sources.push_back(w.source);
    }
    EXPECT_EQ(sources, (std::vector<std::string>{"Dr.", "Smith", "paid", "$3.50", "today", "It",
                                                 "was", "5 km", "away"}))
        << voice;
    // One time line across the two sentences: ordered, the second after the first.
    for (size_t i = 1; i < words.size(); ++i) {
      EXPECT_GE(words[i].start_s, words[i - 1].end_s - 1e-9) << voice << " " << words[i].label;
    }
  }
}

TEST(SynthesizerTimings, RunCancelsInsideALongSentence) {
  Synthesizer synth(Registry());
  std::string raw;
  while (raw.size() < 300) raw += "and the quick brown fox jumps over the lazy dog ";
  auto plan = synth.Prepare(raw, "flite-slt", {}, {});
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->sentences.size(), 1u);
  int polls = 0;
  int chunks = 0;
  const Status s = synth.Run(
      *plan,
      [&](const audio::PcmBuffer&) -> Status {
        ++chunks;
        return {};
      },
      [&] { return ++polls > 3; });  // the first poll is before the sentence
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kCanceled);
  EXPECT_EQ(chunks, 0);
  EXPECT_EQ(polls, 4) << "polled inside the sentence, stopped at the first true";
}

}  // namespace
}  // namespace vox::engines
