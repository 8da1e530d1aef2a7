// Word timings from phoneme durations: espeak's words aligned to the text's.
#include "neural/piper_timings.h"

#include <gtest/gtest.h>

#include <string>

namespace vox::neural {
namespace {

// ^=1 _=0 $=2 space=3 ,=4 .=5 and a..z = 10..35; no phoneme_map.
piper::VoiceConfig Voice() {
  piper::VoiceConfig v;
  v.sample_rate = 1000;
  v.phoneme_id_map = {{U'^', {1}}, {U'_', {0}}, {U'$', {2}}, {U' ', {3}}, {U',', {4}}, {U'.', {5}}};
  for (char32_t c = U'a'; c <= U'z'; ++c) v.phoneme_id_map[c] = {10 + int64_t(c - U'a')};
  return v;
}

// Piper's interleaving: ^ _ p _ p _ ... $ , each symbol `frames_each` frames.
PhraseRun MakeRun(const std::u32string& phonemes, float frames_each, size_t first_sample = 0,
                  size_t samples_per_frame = 10) {
  const auto voice = Voice();
  PhraseRun run;
  run.ids = {1, 0};
  for (char32_t p : phonemes) {
    run.ids.push_back(voice.phoneme_id_map.at(p)[0]);
    run.ids.push_back(0);
  }
  run.ids.push_back(2);
  run.frames.assign(run.ids.size(), frames_each);
  run.first_sample = first_sample;
  run.samples = static_cast<size_t>(run.ids.size() * frames_each) * samples_per_frame;
  return run;
}

std::vector<std::string> Labels(const std::vector<engines::TimingItem>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.label);
  return out;
}

TEST(PiperTimings, EqualWordCountsPairOneToOne) {
  const PhonemeClasses classes(Voice());
  const std::string text = "Hello, big world.";
  auto items = WordTimings(text, {MakeRun(U"helo, bik wold.", 1)}, classes, 1000);
  ASSERT_EQ(Labels(items), (std::vector<std::string>{"Hello", "big", "world"}));
  EXPECT_EQ(text.substr(items[2].text_begin, items[2].text_end - items[2].text_begin), "world");
  // ^ _ h: "hello" starts after two ids of 1 frame (10 samples each): 20 samples = 0.02 s.
  EXPECT_DOUBLE_EQ(items[0].start_s, 0.02);
  for (size_t k = 1; k < items.size(); ++k) {
    EXPECT_GE(items[k].start_s, items[k - 1].end_s);
    EXPECT_GT(items[k].end_s, items[k].start_s);
  }
  EXPECT_LE(items.back().end_s, 0.001 * 10 * 33);  // within the run's audio
}

TEST(PiperTimings, AJoinedPhonemeWordIsSharedByItsTextWords) {
  // espeak: "in the house" -> "ɪnðə hˈaʊs" (two words for three).
  const PhonemeClasses classes(Voice());
  auto items = WordTimings("in the house", {MakeRun(U"indhe haus", 1)}, classes, 1000);
  ASSERT_EQ(Labels(items), (std::vector<std::string>{"in", "the", "house"}));
  EXPECT_DOUBLE_EQ(items[0].end_s, items[1].start_s) << "in and the split one span";
  EXPECT_NEAR((items[0].end_s - items[0].start_s) / (items[1].end_s - items[1].start_s), 2.0 / 3,
              1e-9);
  EXPECT_GT(items[2].start_s, items[1].end_s);
}

TEST(PiperTimings, PhrasesAndTheirSilencesKeepTheirPlaceInTheChunk) {
  const PhonemeClasses classes(Voice());
  // Two runs (a phoneme_silence cut after ","), the second 500 samples later.
  auto items =
      WordTimings("one, two", {MakeRun(U"wan,", 2), MakeRun(U"tu", 2, 500)}, classes, 1000);
  ASSERT_EQ(Labels(items), (std::vector<std::string>{"one", "two"}));
  EXPECT_DOUBLE_EQ(items[1].start_s, 0.5 + 0.04);  // ^ _ at 2 frames x 10 samples
}

TEST(PiperTimings, NoDurationsOrNoWordsGiveNoItems) {
  const PhonemeClasses classes(Voice());
  PhraseRun bare = MakeRun(U"hi", 1);
  bare.frames.clear();
  EXPECT_TRUE(WordTimings("hi", {bare}, classes, 1000).empty());
  EXPECT_TRUE(WordTimings("?!", {MakeRun(U"hi", 1)}, classes, 1000).empty());
  EXPECT_TRUE(WordTimings("hi", {MakeRun(U",", 1)}, classes, 1000).empty());
}

}  // namespace
}  // namespace vox::neural
