// Numbers to English words: cardinals, ordinals, years, digit strings.
//
// Output is lower-case ASCII in American style: no "and" inside numbers
// ("one hundred five"), hyphenated compounds ("twenty-one").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vox::text {

// Digit strings up to 36 digits (decillions) read as a cardinal; leading
// zeros are ignored ("007" -> "seven"); longer strings are read digit by digit.
// `digits` must be non-empty and contain only '0'..'9'.
std::string CardinalWords(std::string_view digits);
std::string CardinalWords(std::uint64_t n);

// "1" -> "first", "23" -> "twenty-third", "101" -> "one hundred first".
std::string OrdinalWords(std::string_view digits);
// Turns the last word of a cardinal into its ordinal ("twenty-one" -> "twenty-first").
std::string OrdinalizeWords(std::string_view cardinal_words);

// Years as people say them: 1999 -> "nineteen ninety-nine", 1905 -> "nineteen
// oh five", 1900 -> "nineteen hundred", 2000 -> "two thousand", 2008 -> "two
// thousand eight", 2024 -> "twenty twenty-four". Years below 1000 or from
// 10000 are read as cardinals.
std::string YearWords(std::uint64_t year);

// "0451" -> "zero four five one".
std::string DigitWords(std::string_view digits);

// Plural of a number's words: "ninety" -> "nineties", "six" -> "sixes",
// "nineteen ninety" -> "nineteen nineties" (for decades and "in 5s").
std::string PluralizeNumberWords(std::string_view words);

}  // namespace vox::text
