// Normalization and splitting must stay linear: a 1,000,000-character input
// (the API's limit for long-form synthesis) finishes in bounded time, and
// ten times the input costs roughly ten times the work, not a hundred.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>

#include "text/normalizer.h"
#include "text/sentence_splitter.h"

namespace vox::text {
namespace {

constexpr std::size_t kBig = 1'000'000;

std::string Repeat(std::string_view unit, std::size_t size) {
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() < size) out += unit;
  out.resize(size);
  return out;
}

const std::string kProse =
    "Dr. Smith paid $1,250.50 on 3/14/2024 at 3:45 pm for 5 km of cable. The U.S. team "
    "(led by Prof. Jones, i.e. the FBI's expert) met at 221B Baker St. in 1999... Call "
    "(555) 123-4567 or e-mail john.doe@example.com, visit https://example.com/a?b=c. "
    "Temperatures hit 20\xC2\xB0"
    "C; 12.5% of NASA's 3rd-quarter budget, approx. \xE2\x82\xAC"
    "20M, "
    "went to R&D! Really?\n\n";

double SecondsFor(const std::function<void()>& work) {
  // The best of three runs filters out scheduler noise on a shared machine.
  double best = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

void NormalizeAndSplit(const std::string& text) {
  auto normalized = Normalize(text);
  ASSERT_TRUE(normalized.has_value());
  const auto sentences = SplitSentences(text);
  ASSERT_FALSE(text.find_first_not_of(" \n") != std::string::npos && sentences.empty());
  for (const auto& s : sentences) ASSERT_LE(s.size(), 400u);
}

TEST(TextScalingTest, MillionCharacterInputsFinishInBoundedTime) {
  const std::pair<const char*, std::string> inputs[] = {
      {"prose", Repeat(kProse, kBig)},
      {"one long word", Repeat("a", kBig)},
      {"one long number", Repeat("7", kBig)},
      {"dots", Repeat(".", kBig)},
      {"dotted word", Repeat("a.", kBig)},
      {"grouped digits", Repeat("1,234,", kBig)},
      {"spaces", Repeat(" ", kBig)},
      {"emoji", Repeat("\xF0\x9F\x98\x80", kBig)},
      {"abbreviations", Repeat("Dr. St. e.g. No. U.S. ", kBig)},
      {"no terminators", Repeat("and then, ", kBig)},
  };
  for (const auto& [name, text] : inputs) {
    // Generous: well under a second in a release build; sanitizers are slower.
    EXPECT_LT(SecondsFor([&] { NormalizeAndSplit(text); }), 20.0) << name;
  }
}

TEST(TextScalingTest, TimeGrowsLinearlyWithInputSize) {
  const std::string small = Repeat(kProse, kBig / 10);
  const std::string big = Repeat(kProse, kBig);
  const double t_small = SecondsFor([&] { NormalizeAndSplit(small); });
  const double t_big = SecondsFor([&] { NormalizeAndSplit(big); });
  // Linear work gives a ratio near 10 and quadratic near 100; 30 (plus a
  // little slack for very fast machines) tells them apart without flaking.
  EXPECT_LT(t_big, 30 * t_small + 0.05) << "small " << t_small << " s, big " << t_big << " s";
}

}  // namespace
}  // namespace vox::text
