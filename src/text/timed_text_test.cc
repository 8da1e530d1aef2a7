// Word captions and per-character times mapped back through the real normalizer:
// every normalized word gets a made-up time, as an engine would report it, and
// the result must land on what the client typed.
#include "text/timed_text.h"

#include <gtest/gtest.h>

#include "text/normalizer.h"

namespace vox::text {
namespace {

// What the synthesizer does with an engine's word timings: normalized word i is
// heard from 0.5 i to 0.5 i + 0.4 s, and its byte range goes through SourceOf.
std::vector<TimedSpan> SpokenSpans(std::string_view input) {
  auto normalized = NormalizeAligned(input);
  EXPECT_TRUE(normalized.has_value());
  std::vector<TimedSpan> spans;
  for (std::size_t i = 0; i < normalized->spans.size(); ++i) {
    const AlignedSpan& word = normalized->spans[i];
    const auto [b, e] = normalized->SourceOf(word.begin, word.end);
    spans.push_back({b, e, 0.5 * static_cast<double>(i), 0.5 * static_cast<double>(i) + 0.4});
  }
  return spans;
}

std::vector<std::string> Words(const std::vector<WordTime>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.word);
  return out;
}

void ExpectWellFormed(std::string_view text, const CharacterAlignment& a, double duration) {
  ASSERT_EQ(a.characters.size(), a.start_s.size());
  ASSERT_EQ(a.characters.size(), a.end_s.size());
  std::string joined;
  for (const auto& c : a.characters) joined += c;
  EXPECT_EQ(joined, text);
  double previous = 0;
  for (std::size_t i = 0; i < a.characters.size(); ++i) {
    EXPECT_LE(previous, a.start_s[i]) << i;
    EXPECT_LE(a.start_s[i], a.end_s[i]) << i;
    previous = a.end_s[i];
  }
  if (!a.end_s.empty()) EXPECT_DOUBLE_EQ(a.end_s.back(), duration);
}

struct Case {
  const char* input;
  std::vector<std::string> words;  // the written words, as captions show them
};

TEST(TimedTextTest, CaptionsAreTheWordsTheClientTyped) {
  const Case cases[] = {
      {"Hello world.", {"Hello", "world"}},
      {"It costs $3.50 today.", {"It", "costs", "$3.50", "today"}},
      {"Dr. Smith paid 1,234 dollars.", {"Dr.", "Smith", "paid", "1,234", "dollars"}},
      {"The FBI called at 10:30.", {"The", "FBI", "called", "at", "10:30"}},
      {"Wait... what?! (Really.)", {"Wait", "what", "Really"}},
      {"Café naïve über.", {"Café", "naïve", "über"}},
      {"He won $5 million.", {"He", "won", "$5 million"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const auto words = WordTimes(c.input, SpokenSpans(c.input));
    EXPECT_EQ(Words(words), c.words);
    const std::string_view input(c.input);
    for (const WordTime& w : words) {
      // Offsets are code points; for these texts the bytes before a word tell how many.
      const std::size_t byte = input.find(w.word);
      ASSERT_NE(byte, std::string_view::npos);
      std::size_t cps = 0;
      for (std::size_t i = 0; i < byte; ++i)
        cps += (static_cast<unsigned char>(input[i]) & 0xC0) != 0x80;
      EXPECT_EQ(w.char_begin, cps) << w.word;
      EXPECT_LE(w.start_s, w.end_s);
    }
  }
}

TEST(TimedTextTest, WordsReadFromOneTokenShareItsTime) {
  // "$3.50" is five spoken words (2..6): its caption runs from the first one's
  // start to the last one's end.
  const auto words = WordTimes("It costs $3.50 today.", SpokenSpans("It costs $3.50 today."));
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[2].word, "$3.50");
  EXPECT_DOUBLE_EQ(words[2].start_s, 1.0);
  EXPECT_DOUBLE_EQ(words[2].end_s, 0.5 * 6 + 0.4);
  EXPECT_EQ(words[2].char_begin, 9u);
  EXPECT_EQ(words[2].char_end, 14u);
  EXPECT_DOUBLE_EQ(words[3].start_s, 3.5);
}

TEST(TimedTextTest, EveryCharacterGetsATime) {
  for (const char* input : {"Hello world.", "It costs $3.50 today.", "Dr. Smith is here.",
                            "Café 😀 naïve — “quoted” 日本語.", "  leading and trailing  "}) {
    SCOPED_TRACE(input);
    const auto words = WordTimes(input, SpokenSpans(input));
    const double duration = words.empty() ? 1.0 : words.back().end_s + 0.25;
    ExpectWellFormed(input, AlignCharacters(input, words, duration), duration);
  }
}

TEST(TimedTextTest, ACharacterOfAWordIsHeardWithinIt) {
  const std::string text = "Hi, Bob!";
  const std::vector<WordTime> words = {{"Hi", 0.1, 0.3, 0, 2}, {"Bob", 0.5, 0.8, 4, 7}};
  const auto a = AlignCharacters(text, words, 1.0);
  ExpectWellFormed(text, a, 1.0);
  EXPECT_DOUBLE_EQ(a.start_s[0], 0.1);  // 'H'
  EXPECT_DOUBLE_EQ(a.end_s[1], 0.3);    // 'i'
  EXPECT_DOUBLE_EQ(a.start_s[2], 0.3);  // ',' and ' ' share the pause
  EXPECT_DOUBLE_EQ(a.end_s[3], 0.5);
  EXPECT_DOUBLE_EQ(a.start_s[4], 0.5);  // 'B'
  EXPECT_DOUBLE_EQ(a.end_s[6], 0.8);    // 'b'
  EXPECT_DOUBLE_EQ(a.start_s[7], 0.8);  // '!' until the end
}

TEST(TimedTextTest, BadSpansNeverBreakTheInvariants) {
  const std::string text = "naïve words";  // 'ï' is two bytes: 2..3
  // Out of order, overlapping, past the end, inside a character, time going backwards.
  const std::vector<TimedSpan> spans = {
      {3, 6, 0.2, 0.4}, {0, 2, 0.5, 0.45}, {7, 99, 0.1, 0.9}, {40, 50, 1, 2}, {6, 6, 0, 0}};
  const auto words = WordTimes(text, spans);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].word, "naïve");  // the second span went backwards: merged, snapped to 'ï'
  EXPECT_EQ(words[1].word, "words");
  EXPECT_EQ(words[1].char_begin, 6u);
  EXPECT_GE(words[1].start_s, words[0].end_s);
  ExpectWellFormed(text, AlignCharacters(text, words, 0.5), 0.9);
}

TEST(TimedTextTest, NoTimingsSpreadTheTextOverTheAudio) {
  const auto a = AlignCharacters("abcd", {}, 2.0);
  ExpectWellFormed("abcd", a, 2.0);
  EXPECT_DOUBLE_EQ(a.end_s[1], 1.0);
  EXPECT_TRUE(AlignCharacters("", {}, 1.0).characters.empty());
}

TEST(TimedTextTest, PiecesJoinedAreTheWholeAlignment) {
  const std::string text = "It costs $3.50 today. Dr. Smith agrees!";
  const auto words = WordTimes(text, SpokenSpans(text));
  ASSERT_GE(words.size(), 4u);
  const double duration = words.back().end_s + 0.3;
  const CharacterAlignment whole = AlignCharacters(text, words, duration);
  CharacterAligner aligner(text);
  CharacterAlignment joined;
  auto append = [&](const CharacterAlignment& piece) { Append(joined, piece); };
  append(aligner.Advance({words.begin(), words.begin() + 2}));  // as two chunks
  append(aligner.Advance({words.begin() + 2, words.end()}));
  append(aligner.Advance({}));  // a chunk without words times nothing
  append(aligner.Finish(duration));
  EXPECT_EQ(joined.characters, whole.characters);
  EXPECT_EQ(joined.start_s, whole.start_s);
  EXPECT_EQ(joined.end_s, whole.end_s);
}

}  // namespace
}  // namespace vox::text
