#include "ssml/say_as.h"

#include <gtest/gtest.h>

namespace vox::ssml {
namespace {

std::string Said(std::string_view kind, std::string_view text, std::string_view format = "") {
  auto r = SayAs(kind, format, text);
  EXPECT_TRUE(r.has_value()) << kind << " " << text << ": " << r.error().message;
  return r ? *r : "";
}

TEST(SayAsTest, Numbers) {
  EXPECT_EQ(Said("cardinal", " 42 "), "forty-two");
  EXPECT_EQ(Said("cardinal", "-7"), "minus seven");
  EXPECT_EQ(Said("ordinal", "21st"), "twenty-first");
  EXPECT_EQ(Said("ordinal", "2"), "second");
  EXPECT_EQ(Said("digits", "2024"), "two zero two four");
}

TEST(SayAsTest, CharactersSpellEachCodePoint) {
  EXPECT_EQ(Said("characters", "Ab 9"), "A B nine");
  EXPECT_EQ(Said("characters", "\u00e9t"), "\u00e9 T");
}

TEST(SayAsTest, DatesInEachFormat) {
  EXPECT_EQ(Said("date", "7/4/1776"), "July fourth, seventeen seventy-six");  // mdy default
  EXPECT_EQ(Said("date", "4/7/1776", "dmy"), "July fourth, seventeen seventy-six");
  EXPECT_EQ(Said("date", "1776-07-04", "ymd"), "July fourth, seventeen seventy-six");
}

TEST(SayAsTest, TelephoneGroups) {
  EXPECT_EQ(Said("telephone", "(555) 010-2345"),
            "five five five, zero one zero, two three four five");
}

TEST(SayAsTest, RefusesWhatItIsNot) {
  for (auto [kind, text] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"cardinal", "12a"},
           {"ordinal", "first"},
           {"digits", "x"},
           {"date", "1/2"},
           {"date", "2/30/x"},
           {"telephone", "call me"},
           {"telephone", "+"},
           {"cardinal", ""}}) {
    auto r = SayAs(kind, "", text);
    EXPECT_FALSE(r.has_value()) << kind << " " << text;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(SayAs("expletive", "", "x").has_value());
}

}  // namespace
}  // namespace vox::ssml
