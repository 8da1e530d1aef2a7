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

}  // namespace
}  // namespace vox::text
