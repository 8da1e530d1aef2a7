// Phonemes to ids exactly as Piper interleaves them, the phoneme map, flag
// removal and NFD, on hand-made maps.
#include "piper/phoneme_sequence.h"

#include <gtest/gtest.h>

namespace vox::piper {
namespace {

const PhonemeIdMap kIds = {{U'_', {0}}, {U'^', {1}},    {U'$', {2}}, {U' ', {3}},
                           {U'a', {5}}, {U'b', {6, 7}}, {U'.', {10}}};

TEST(PhonemeIds, BosPadEachPhonemeFollowedByPadThenEos) {
  std::map<char32_t, std::size_t> missing;
  EXPECT_EQ(PhonemeIds(U"ab a.", kIds, missing),
            (std::vector<int64_t>{1, 0, 5, 0, 6, 7, 0, 3, 0, 5, 0, 10, 0, 2}));
  EXPECT_TRUE(missing.empty());
  EXPECT_EQ(PhonemeIds(U"", kIds, missing), (std::vector<int64_t>{1, 0, 2}));
}

TEST(PhonemeIds, MissingPhonemesAreSkippedAndCounted) {
  std::map<char32_t, std::size_t> missing;
  EXPECT_EQ(PhonemeIds(U"axa\u0294x", kIds, missing), (std::vector<int64_t>{1, 0, 5, 0, 5, 0, 2}));
  EXPECT_EQ(missing, (std::map<char32_t, std::size_t>{{U'x', 2}, {U'\u0294', 1}}));
  PhonemeIds(U"x", kIds, missing);
  EXPECT_EQ(missing.at(U'x'), 3u);  // collected across calls
}

TEST(PhonemeMap, ReplacesMappedPhonemesByTheirLists) {
  const PhonemeMap map = {{U'c', {U'k'}}, {U'x', {U'k', U's'}}, {U'q', {}}};
  EXPECT_EQ(ApplyPhonemeMap(U"cax q", map), U"kaks ");
  EXPECT_EQ(ApplyPhonemeMap(U"cax", {}), U"cax");
}

TEST(LanguageFlags, RemovedWithTheirPhonemesKept) {
  EXPECT_EQ(RemoveLanguageFlags(U"lə (en)wiːkˈɛnd(fr) e"), U"lə wiːkˈɛnd e");
  EXPECT_EQ(RemoveLanguageFlags(U"(en)ðə(de) ɡˈoːt"), U"ðə ɡˈoːt");
  EXPECT_EQ(RemoveLanguageFlags(U"no flags"), U"no flags");
}

TEST(Nfd, DecomposesIntoOneTokenPerCodePoint) {
  EXPECT_EQ(NfdCodePoints("\xC3\xA7"), U"c\u0327");          // ç
  EXPECT_EQ(NfdCodePoints("t\xCC\xAA"), U"t\u032A");         // already decomposed stays
  EXPECT_EQ(NfdCodePoints("\xC9\x99\xCB\x88"), U"ə\u02C8");  // IPA has no decomposition
  EXPECT_EQ(ToUtf8(NfdCodePoints("\xC3\xA9t\xC3\xA9")), "e\xCC\x81te\xCC\x81");
}

}  // namespace
}  // namespace vox::piper
