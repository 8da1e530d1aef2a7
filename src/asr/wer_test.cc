#include "asr/wer.h"

#include <gtest/gtest.h>

namespace vox::asr {
namespace {

TEST(WerTest, IdenticalTextsHaveNoErrors) {
  auto r = WordErrors("The cat sat.", "the cat sat");
  EXPECT_EQ(r.reference_words, 3u);
  EXPECT_EQ(r.errors, 0u);
}

TEST(WerTest, CountsSubstitutionsDeletionsAndInsertions) {
  EXPECT_EQ(WordErrors("a b c d", "a x c d").errors, 1u);    // substitution
  EXPECT_EQ(WordErrors("a b c d", "a c d").errors, 1u);      // deletion
  EXPECT_EQ(WordErrors("a b c d", "a b q c d").errors, 1u);  // insertion
  EXPECT_DOUBLE_EQ(WordErrors("a b c d", "").wer(), 1.0);
}

TEST(WerTest, HyphensAndPunctuationDoNotCount) {
  EXPECT_EQ(WordErrors("Twenty-four, please!", "twenty four please").errors, 0u);
}

}  // namespace
}  // namespace vox::asr
