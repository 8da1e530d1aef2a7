#include "text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace vox::text {
namespace {

struct Utf8Case {
  std::string name;
  std::string bytes;
  bool valid;
  std::size_t bad_offset = 0;  // when invalid
  std::string reason = {};     // substring of the message
};

class Utf8ValidationTest : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8ValidationTest, AcceptsOrRejectsWithOffset) {
  const Utf8Case& c = GetParam();
  const Status status = ValidateUtf8(c.bytes);
  if (c.valid) {
    EXPECT_TRUE(status.has_value()) << status.error().ToString();
    return;
  }
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().field, "text");
  EXPECT_NE(status.error().message.find("byte offset " + std::to_string(c.bad_offset) + ":"),
            std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find(c.reason), std::string::npos) << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Utf8ValidationTest,
    ::testing::Values(
        Utf8Case{"Empty", "", true}, Utf8Case{"Ascii", "Hello, world!", true},
        Utf8Case{"TwoByte", "caf\xC3\xA9", true}, Utf8Case{"ThreeByte", "\xE2\x82\xAC 5", true},
        Utf8Case{"FourByteEmoji", "\xF0\x9F\x98\x80", true},
        Utf8Case{"LowestTwoByte", "\xC2\x80", true},
        Utf8Case{"HighestBmpBeforeSurrogates", "\xED\x9F\xBF", true},
        Utf8Case{"FirstAfterSurrogates", "\xEE\x80\x80", true},
        Utf8Case{"MaxCodePoint", "\xF4\x8F\xBF\xBF", true},
        Utf8Case{"NulIsValid", std::string("a\0b", 3), true},
        Utf8Case{"LoneContinuation", "ab\x80", false, 2, "unexpected continuation byte"},
        Utf8Case{"OverlongSlashC0", "\xC0\xAF", false, 0, "overlong encoding"},
        Utf8Case{"OverlongC1", "x\xC1\xBF", false, 1, "overlong encoding"},
        Utf8Case{"OverlongThreeByte", "\xE0\x80\xAF", false, 0, "overlong encoding"},
        Utf8Case{"OverlongFourByte", "\xF0\x80\x80\xAF", false, 0, "overlong encoding"},
        Utf8Case{"HighSurrogate", "a\xED\xA0\x80", false, 1, "surrogate"},
        Utf8Case{"LowSurrogate", "\xED\xBF\xBF", false, 0, "surrogate"},
        Utf8Case{"AboveMax", "\xF4\x90\x80\x80", false, 0, "above U+10FFFF"},
        Utf8Case{"F5NeverValid", "\xF5\x80\x80\x80", false, 0, "never appear"},
        Utf8Case{"FFNeverValid", "ok \xFF", false, 3, "never appear"},
        Utf8Case{"TruncatedAtEnd", "abc\xE2\x82", false, 3, "truncated"},
        Utf8Case{"TruncatedMidText", "\xE2\x82 x", false, 0, "truncated"},
        Utf8Case{"TruncatedFourByte", "\xF0\x9F\x98", false, 0, "truncated"},
        Utf8Case{"SecondSequenceBad", "\xC3\xA9\xC3", false, 2, "truncated"}),
    [](const ::testing::TestParamInfo<Utf8Case>& info) { return info.param.name; });

TEST(TextUtf8Test, DecodeAdvancesAndReplacesMalformedBytes) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xFF";
  std::size_t pos = 0;
  EXPECT_EQ(DecodeUtf8(s, pos), U'a');
  EXPECT_EQ(DecodeUtf8(s, pos), U'\u00E9');
  EXPECT_EQ(DecodeUtf8(s, pos), U'\u20AC');
  EXPECT_EQ(DecodeUtf8(s, pos), U'\U0001F600');
  EXPECT_EQ(DecodeUtf8(s, pos), U'\uFFFD');
  EXPECT_EQ(pos, s.size());
}

TEST(TextUtf8Test, AppendRoundTrips) {
  for (char32_t cp : {U'A', U'\u00E9', U'\u20AC', U'\U0001F600', U'\U0010FFFF'}) {
    std::string s;
    AppendUtf8(cp, s);
    ASSERT_TRUE(ValidateUtf8(s).has_value());
    std::size_t pos = 0;
    EXPECT_EQ(DecodeUtf8(s, pos), cp);
    EXPECT_EQ(pos, s.size());
  }
}

TEST(TextUtf8Test, SafeCutNeverSplitsASequence) {
  const std::string s = "ab\xE2\x82\xAC";  // "ab€"
  EXPECT_EQ(Utf8SafeCut(s, 1), 1u);
  EXPECT_EQ(Utf8SafeCut(s, 2), 2u);
  EXPECT_EQ(Utf8SafeCut(s, 3), 2u);
  EXPECT_EQ(Utf8SafeCut(s, 4), 2u);
  EXPECT_EQ(Utf8SafeCut(s, 5), 5u);
  EXPECT_EQ(Utf8SafeCut(s, 99), 5u);
}

}  // namespace
}  // namespace vox::text
