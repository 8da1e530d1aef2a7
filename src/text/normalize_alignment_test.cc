// NormalizeAligned: every spoken word traced back to the characters it was read from.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/golden_file.h"
#include "text/normalizer.h"

namespace vox::text {
namespace {

using testing::GoldenLine;
using testing::LoadGoldenFile;
using testing::Printable;
using testing::TestDataPath;

std::vector<GoldenLine> Load(const std::string& name) {
  std::vector<GoldenLine> lines;
  std::string error;
  EXPECT_TRUE(LoadGoldenFile(TestDataPath(name), &lines, &error)) << error;
  return lines;
}

bool IsContinuationByte(const std::string& s, std::size_t i) {
  return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

// The invariants of any alignment: the text is Normalize()'s, one span per word
// in order, sources inside the input, in input order, on character boundaries.
void ExpectWellFormed(const std::string& input, const std::string& language, const char* where) {
  auto plain = Normalize(input, {.language = language});
  auto aligned = NormalizeAligned(input, {.language = language});
  ASSERT_TRUE(plain.has_value() && aligned.has_value()) << where;
  ASSERT_EQ(aligned->text, *plain) << where;
  std::size_t words = 0;
  for (std::size_t i = 0; i < plain->size(); ++i) {
    const char c = (*plain)[i];
    // English output attaches . , ? ! to the word before; other languages keep pieces whole.
    const bool mark = (c == '.' || c == ',' || c == '?' || c == '!') &&
                      (i + 1 == plain->size() || (*plain)[i + 1] == ' ');
    const bool word_char = c != ' ' && !(IsEnglish(language) && mark);
    if (word_char && (i == 0 || (*plain)[i - 1] == ' ')) ++words;
  }
  EXPECT_EQ(aligned->spans.size(), words) << where << ": " << *plain;
  std::size_t prev_end = 0, prev_source = 0;
  for (const AlignedSpan& s : aligned->spans) {
    EXPECT_LT(s.begin, s.end) << where;
    EXPECT_GE(s.begin, prev_end) << where;
    EXPECT_LE(s.end, plain->size()) << where;
    EXPECT_LE(s.source_begin, s.source_end) << where;
    EXPECT_LE(s.source_end, input.size()) << where;
    EXPECT_GE(s.source_begin, prev_source) << where << ": source out of order";
    EXPECT_FALSE(IsContinuationByte(input, s.source_begin)) << where;
    EXPECT_FALSE(IsContinuationByte(input, s.source_end)) << where;
    prev_end = s.end;
    prev_source = s.source_begin;
  }
}

// alignment.tsv: input <TAB> words of the normalized text <TAB> the input characters
// they were read from [<TAB> language]. The words must occur in the output.
TEST(TextNormalizeAlignmentTest, GoldenCases) {
  const std::string file = "alignment.tsv";
  const auto lines = Load(file);
  EXPECT_GE(lines.size(), 30u) << "the golden file lost cases";
  for (const GoldenLine& line : lines) {
    ASSERT_GE(line.columns.size(), 3u) << file << ":" << line.line;
    const std::string& input = line.columns[0];
    const std::string& words = line.columns[1];
    const std::string& expected = line.columns[2];
    const std::string language = line.columns.size() > 3 ? line.columns[3] : "en";
    const std::string where = file + ":" + std::to_string(line.line);
    auto aligned = NormalizeAligned(input, {.language = language});
    ASSERT_TRUE(aligned.has_value()) << where << ": " << aligned.error().ToString();
    const std::size_t at = aligned->text.find(words);
    if (at == std::string::npos) {
      ADD_FAILURE() << where << ": '" << words << "' not in the output: " << aligned->text;
      continue;
    }
    const auto [b, e] = aligned->SourceOf(at, at + words.size());
    EXPECT_EQ(input.substr(b, e - b), expected)
        << where << ": " << Printable(input) << "\n  output: " << aligned->text;
    ExpectWellFormed(input, language, where.c_str());
  }
}

TEST(TextNormalizeAlignmentTest, EveryEnglishGoldenCaseAlignsWellFormed) {
  for (const GoldenLine& line : Load("normalize_en.tsv")) {
    const std::string where = "normalize_en.tsv:" + std::to_string(line.line);
    ExpectWellFormed(line.columns[0], "en", where.c_str());
  }
  for (const GoldenLine& line : Load("normalize_neutral.tsv")) {
    const std::string where = "normalize_neutral.tsv:" + std::to_string(line.line);
    ExpectWellFormed(line.columns[1], line.columns[0], where.c_str());
  }
}

TEST(TextNormalizeAlignmentTest, PunctuationAndEmptyRangesMapBetweenWords) {
  auto aligned = NormalizeAligned("Hi,   there!");
  ASSERT_TRUE(aligned.has_value());
  ASSERT_EQ(aligned->text, "Hi, there!");
  // The comma and space belong to no word: an empty range before the next word.
  EXPECT_EQ(aligned->SourceOf(2, 4), (std::pair<std::size_t, std::size_t>{6, 6}));
  EXPECT_EQ(aligned->SourceOf(0, aligned->text.size()),
            (std::pair<std::size_t, std::size_t>{0, 11}));
  EXPECT_EQ(aligned->SourceOf(100, 100), (std::pair<std::size_t, std::size_t>{11, 11}));
  auto bad = NormalizeAligned("\xff");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "text");
}

}  // namespace
}  // namespace vox::text
