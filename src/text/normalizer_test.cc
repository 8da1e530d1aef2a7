#include "text/normalizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/golden_file.h"
#include "text/utf8.h"

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

// Characters the English output may contain: letters, apostrophes, the
// hyphens of compound numbers, spaces and . , ? ! punctuation.
bool PlainSpeakable(const std::string& s) {
  for (unsigned char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || c == '-' ||
                    c == ' ' || c == '.' || c == ',' || c == '?' || c == '!';
    if (!ok) return false;
  }
  return s.find("  ") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' '));
}

TEST(TextNormalizeGoldenTest, English) {
  const std::string file = "normalize_en.tsv";
  const auto lines = Load(file);
  EXPECT_GE(lines.size(), 400u) << "the golden file lost cases";
  int failures = 0;
  for (const GoldenLine& line : lines) {
    ASSERT_EQ(line.columns.size(), 2u) << file << ":" << line.line << ": want input<TAB>expected";
    const std::string& input = line.columns[0];
    const std::string& expected = line.columns[1];
    auto got = Normalize(input, {.language = "en"});
    if (!got) {
      ADD_FAILURE() << file << ":" << line.line << ": " << Printable(input) << "\n  error "
                    << got.error().ToString();
      ++failures;
      continue;
    }
    if (*got != expected) {
      ADD_FAILURE() << file << ":" << line.line << ": " << Printable(input)
                    << "\n  expected: " << Printable(expected) << "\n  actual:   " << *got;
      ++failures;
    }
    EXPECT_TRUE(PlainSpeakable(*got)) << file << ":" << line.line << ": " << *got;
  }
  EXPECT_EQ(failures, 0) << failures << " of " << lines.size() << " cases failed";
}

TEST(TextNormalizeGoldenTest, OtherLanguagesOnlyCleanUp) {
  const std::string file = "normalize_neutral.tsv";
  const auto lines = Load(file);
  EXPECT_GE(lines.size(), 20u);
  for (const GoldenLine& line : lines) {
    ASSERT_EQ(line.columns.size(), 3u) << file << ":" << line.line;
    auto got = Normalize(line.columns[1], {.language = line.columns[0]});
    ASSERT_TRUE(got.has_value()) << file << ":" << line.line << ": " << got.error().ToString();
    EXPECT_EQ(*got, line.columns[2]) << file << ":" << line.line << ": language '"
                                     << line.columns[0] << "' input " << Printable(line.columns[1]);
  }
}

// The output is itself plain text, so normalizing it again changes nothing:
// nothing is left half-expanded.
TEST(TextNormalizeTest, EnglishOutputIsAFixedPoint) {
  for (const GoldenLine& line : Load("normalize_en.tsv")) {
    auto once = Normalize(line.columns[0]);
    ASSERT_TRUE(once.has_value());
    auto twice = Normalize(*once);
    ASSERT_TRUE(twice.has_value());
    EXPECT_EQ(*twice, *once) << "normalize_en.tsv:" << line.line << ": "
                             << Printable(line.columns[0]);
  }
}

TEST(TextNormalizeTest, InvalidUtf8IsRejectedForEveryLanguage) {
  for (const std::string language : {"en", "de", ""}) {
    auto got = Normalize("caf\xC3\xA9 \xED\xA0\x80 ok", {.language = language});
    ASSERT_FALSE(got.has_value()) << language;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().field, "text");
    EXPECT_NE(got.error().message.find("byte offset 6"), std::string::npos) << got.error().message;
  }
}

TEST(TextNormalizeTest, EnglishTagsAreRecognized) {
  for (const char* tag : {"en", "EN", "en-US", "en-gb", "en_AU"}) {
    EXPECT_TRUE(IsEnglish(tag)) << tag;
    auto got = Normalize("$5", {.language = tag});
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, "five dollars") << tag;
  }
  for (const char* tag : {"", "e", "de", "eng", "fr-CA", "enx"})
    EXPECT_FALSE(IsEnglish(tag)) << tag;
}

TEST(TextNormalizeTest, DefaultOptionsAreEnglish) {
  auto got = Normalize("Dr. Smith has 2 cats.");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, "Doctor Smith has two cats.");
}

TEST(TextNormalizeTest, EmptyAndBlankInputGiveEmptyOutput) {
  for (const char* input : {"", "   ", "\t\n", "\xF0\x9F\x98\x80", "\"\"", "..."}) {
    auto got = Normalize(input);
    ASSERT_TRUE(got.has_value()) << Printable(input);
    EXPECT_EQ(*got, "") << Printable(input);
  }
}

TEST(TextNormalizeTest, MultipleSentencesKeepTheirPunctuation) {
  auto got = Normalize("It is 5 p.m. Is it? Yes! Dr. Who said so... OK.");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, "It is five p m. Is it? Yes! Doctor Who said so. okay.");
}

// NormalizeAligned: every spoken word traced back to the characters it was read from.

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
