#include "text/sentence_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/golden_file.h"
#include "text/utf8.h"

namespace vox::text {
namespace {

using testing::GoldenLine;
using testing::Printable;

std::vector<GoldenLine> LoadSplitCases() {
  std::vector<GoldenLine> lines;
  std::string error;
  EXPECT_TRUE(testing::LoadGoldenFile(testing::TestDataPath("split.tsv"), &lines, &error)) << error;
  return lines;
}

std::vector<std::string> Expected(const GoldenLine& line) {
  std::vector<std::string> want(line.columns.begin() + 1, line.columns.end());
  if (want.size() == 1 && want[0].empty()) want.clear();  // "nothing to say"
  return want;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "[" + Printable(s) + "] ";
  return out;
}

std::vector<std::string> SplitInChunks(std::string_view text, std::size_t chunk,
                                       SplitOptions options = {}) {
  SentenceSplitter splitter(options);
  std::vector<std::string> out;
  std::string sentence;
  for (std::size_t pos = 0; pos < text.size(); pos += chunk) {
    splitter.Feed(text.substr(pos, chunk));
    while (splitter.Next(&sentence)) out.push_back(sentence);
  }
  splitter.Finish();
  while (splitter.Next(&sentence)) out.push_back(sentence);
  return out;
}

// All bytes but ASCII whitespace, in order: what splitting must preserve.
std::string Content(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && (c < '\t' || c > '\r')) out += c;
  }
  return out;
}

TEST(TextSentenceSplitterGoldenTest, Cases) {
  const auto lines = LoadSplitCases();
  EXPECT_GE(lines.size(), 50u);
  for (const GoldenLine& line : lines) {
    ASSERT_GE(line.columns.size(), 2u) << "split.tsv:" << line.line;
    const auto got = SplitSentences(line.columns[0]);
    EXPECT_EQ(got, Expected(line)) << "split.tsv:" << line.line << ": "
                                   << Printable(line.columns[0]) << "\n  actual: " << Join(got);
  }
}

// The incremental splitter gives the same sentences however the text is cut.
TEST(TextSentenceSplitterTest, StreamingMatchesOneShotForAnyChunking) {
  std::string all;
  for (const GoldenLine& line : LoadSplitCases()) all += line.columns[0] + " ";
  const auto whole = SplitSentences(all);
  for (std::size_t chunk : {1u, 2u, 3u, 5u, 7u, 16u, 64u, 1000u}) {
    EXPECT_EQ(SplitInChunks(all, chunk), whole) << "chunk size " << chunk;
  }
  for (const GoldenLine& line : LoadSplitCases()) {
    EXPECT_EQ(SplitInChunks(line.columns[0], 1), Expected(line)) << "split.tsv:" << line.line;
  }
}

TEST(TextSentenceSplitterTest, LongSentenceIsCutAtClauseBoundaries) {
  std::string text;
  for (int k = 0; k < 60; ++k) text += "this clause goes on and on, ";
  text += "and finally ends.";
  const auto pieces = SplitSentences(text);
  ASSERT_GE(pieces.size(), 4u);
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    EXPECT_LE(pieces[k].size(), 400u);
    EXPECT_GE(pieces[k].size(), 200u * (k + 1 < pieces.size())) << "pieces stay long";
    if (k + 1 < pieces.size()) {
      EXPECT_EQ(pieces[k].back(), ',') << pieces[k];
    }
  }
  EXPECT_EQ(Content(text), [&] {
    std::string all;
    for (const auto& p : pieces) all += Content(p);
    return all;
  }());
}

TEST(TextSentenceSplitterTest, SemicolonWinsOverComma) {
  // Both marks fall in the second half of the first 400 bytes.
  std::string text(250, 'a');
  text += "; ";
  text += std::string(50, 'b') + ", " + std::string(200, 'c') + ".";
  const auto pieces = SplitSentences(text);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].back(), ';');
}

TEST(TextSentenceSplitterTest, WithoutClausesCutsAtWordsThenBytes) {
  std::string words;
  for (int k = 0; k < 200; ++k) words += "word ";
  for (const auto& piece : SplitSentences(words)) {
    EXPECT_LE(piece.size(), 400u);
    EXPECT_EQ(piece.substr(0, 4), "word");
    EXPECT_EQ(piece.substr(piece.size() - 4), "word");
  }
  const auto blob = SplitSentences(std::string(1000, 'x'));
  ASSERT_EQ(blob.size(), 3u);
  EXPECT_EQ(blob[0].size(), 400u);
  EXPECT_EQ(blob[1].size(), 400u);
  EXPECT_EQ(blob[2].size(), 200u);
}

TEST(TextSentenceSplitterTest, HardCutsKeepUtf8CharactersWhole) {
  std::string text;
  for (int k = 0; k < 700; ++k) text += "\xC3\xA9";  // é, no spaces at all
  const auto pieces = SplitSentences(text);
  std::size_t total = 0;
  for (const auto& piece : pieces) {
    EXPECT_LE(piece.size(), 400u);
    EXPECT_TRUE(ValidateUtf8(piece).has_value());
    total += piece.size();
  }
  EXPECT_EQ(total, text.size());
}

TEST(TextSentenceSplitterTest, MaxBytesOptionIsHonouredAndClamped) {
  std::string text;
  for (int k = 0; k < 40; ++k) text += "one two three four five. ";
  for (std::size_t max : {16u, 30u, 100u}) {
    for (const auto& piece : SplitSentences(text, {.max_bytes = max})) {
      EXPECT_LE(piece.size(), max);
    }
  }
  for (const auto& piece : SplitSentences(text, {.max_bytes = 1})) EXPECT_LE(piece.size(), 16u);
}

TEST(TextSentenceSplitterTest, SentencesBecomeAvailableBeforeFinish) {
  SentenceSplitter splitter;
  std::string sentence;
  splitter.Feed("First one. Second");
  ASSERT_TRUE(splitter.Next(&sentence));
  EXPECT_EQ(sentence, "First one.");
  EXPECT_FALSE(splitter.Next(&sentence));
  splitter.Feed(" one. Third");
  ASSERT_TRUE(splitter.Next(&sentence));
  EXPECT_EQ(sentence, "Second one.");
  splitter.Finish();
  ASSERT_TRUE(splitter.Next(&sentence));
  EXPECT_EQ(sentence, "Third");
  EXPECT_FALSE(splitter.Next(&sentence));
  splitter.Feed("ignored after Finish.");
  EXPECT_FALSE(splitter.Next(&sentence));
}

TEST(TextSentenceSplitterTest, AbbreviationAtChunkEdgeWaitsForTheNextWord) {
  SentenceSplitter splitter;
  std::string sentence;
  splitter.Feed("Ask Dr.");
  EXPECT_FALSE(splitter.Next(&sentence));
  splitter.Feed(" Smith today. ");
  splitter.Finish();
  ASSERT_TRUE(splitter.Next(&sentence));
  EXPECT_EQ(sentence, "Ask Dr. Smith today.");
}

TEST(TextSentenceSplitterTest, InvalidUtf8AndControlBytesNeverBreakIt) {
  const std::string text = std::string("\xFF\xFE. \x00\x01 ok.", 10) + " \xE2\x82";
  const auto pieces = SplitSentences(text);
  std::string all;
  for (const auto& p : pieces) all += Content(p);
  EXPECT_EQ(all, Content(text));
}

}  // namespace
}  // namespace vox::text
