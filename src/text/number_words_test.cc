#include "text/number_words.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vox::text {
namespace {

using Table = std::vector<std::pair<std::string, std::string>>;

TEST(TextNumberWordsTest, Cardinals) {
  const Table cases = {
      {"0", "zero"},
      {"000", "zero"},
      {"7", "seven"},
      {"10", "ten"},
      {"19", "nineteen"},
      {"20", "twenty"},
      {"21", "twenty-one"},
      {"99", "ninety-nine"},
      {"100", "one hundred"},
      {"105", "one hundred five"},
      {"110", "one hundred ten"},
      {"999", "nine hundred ninety-nine"},
      {"1000", "one thousand"},
      {"1001", "one thousand one"},
      {"1250000", "one million two hundred fifty thousand"},
      {"1000000001", "one billion one"},
      {"007", "seven"},
      {"999999999999999999999999999999999999",
       "nine hundred ninety-nine decillion nine hundred ninety-nine nonillion nine hundred "
       "ninety-nine octillion nine hundred ninety-nine septillion nine hundred ninety-nine "
       "sextillion nine hundred ninety-nine quintillion nine hundred ninety-nine quadrillion "
       "nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred "
       "ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine"},
      // Beyond decillions the digits are read one by one.
      {"1000000000000000000000000000000000000",
       "one zero zero zero zero zero zero zero zero zero "
       "zero zero zero zero zero zero zero zero zero zero "
       "zero zero zero zero zero zero zero zero zero zero "
       "zero zero zero zero zero zero zero"},
  };
  for (const auto& [digits, words] : cases) EXPECT_EQ(CardinalWords(digits), words) << digits;
  EXPECT_EQ(CardinalWords(std::uint64_t{18446744073709551615u}),
            "eighteen quintillion four hundred forty-six quadrillion seven hundred forty-four "
            "trillion seventy-three billion seven hundred nine million five hundred fifty-one "
            "thousand six hundred fifteen");
}

TEST(TextNumberWordsTest, Ordinals) {
  const Table cases = {
      {"1", "first"},
      {"2", "second"},
      {"3", "third"},
      {"4", "fourth"},
      {"5", "fifth"},
      {"8", "eighth"},
      {"9", "ninth"},
      {"11", "eleventh"},
      {"12", "twelfth"},
      {"13", "thirteenth"},
      {"20", "twentieth"},
      {"21", "twenty-first"},
      {"22", "twenty-second"},
      {"23", "twenty-third"},
      {"40", "fortieth"},
      {"99", "ninety-ninth"},
      {"100", "one hundredth"},
      {"101", "one hundred first"},
      {"111", "one hundred eleventh"},
      {"1000", "one thousandth"},
      {"1000000", "one millionth"},
  };
  for (const auto& [digits, words] : cases) EXPECT_EQ(OrdinalWords(digits), words) << digits;
}

TEST(TextNumberWordsTest, Years) {
  const std::vector<std::pair<std::uint64_t, std::string>> cases = {
      {1999, "nineteen ninety-nine"}, {2000, "two thousand"},     {2001, "two thousand one"},
      {2009, "two thousand nine"},    {2010, "twenty ten"},       {2024, "twenty twenty-four"},
      {1905, "nineteen oh five"},     {1900, "nineteen hundred"}, {1100, "eleven hundred"},
      {1066, "ten sixty-six"},        {1000, "one thousand"},     {1005, "one thousand five"},
      {2100, "twenty-one hundred"},   {800, "eight hundred"},     {44, "forty-four"},
      {10000, "ten thousand"},
  };
  for (const auto& [year, words] : cases) EXPECT_EQ(YearWords(year), words) << year;
}

TEST(TextNumberWordsTest, DigitsAndPlurals) {
  EXPECT_EQ(DigitWords("0451"), "zero four five one");
  EXPECT_EQ(DigitWords(""), "");
  EXPECT_EQ(PluralizeNumberWords("ninety"), "nineties");
  EXPECT_EQ(PluralizeNumberWords("six"), "sixes");
  EXPECT_EQ(PluralizeNumberWords("nineteen ninety"), "nineteen nineties");
  EXPECT_EQ(PluralizeNumberWords("nineteen hundred"), "nineteen hundreds");
  EXPECT_EQ(OrdinalizeWords("twenty-one"), "twenty-first");
  EXPECT_EQ(OrdinalizeWords("one hundred twelve"), "one hundred twelfth");
}

}  // namespace
}  // namespace vox::text
