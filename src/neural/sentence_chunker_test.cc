// SentenceChunker: chunks cut where a word ends, once the audio up to there is final; each
// chunk at least the minimum but the last; timings moved into their chunk; nothing lost.
#include "neural/sentence_chunker.h"

#include <gtest/gtest.h>

namespace vox::neural {
namespace {

using engines::AudioChunk;
using engines::TimingItem;

TimingItem Word(const std::string& label, double start_s, double end_s) {
  TimingItem item;
  item.label = label;
  item.start_s = start_s;
  item.end_s = end_s;
  return item;
}

TEST(SentenceChunker, CutsWhereTheLatestReadyWordEnds) {
  constexpr int kRate = 1000;
  std::vector<AudioChunk> chunks;
  const engines::AudioChunkSink sink = [&](AudioChunk&& c) -> Status {
    chunks.push_back(std::move(c));
    return {};
  };
  // Words end at 0.3, 0.5, 0.9, 1.4 s; 2.0 s of audio; chunks of at least 0.25 s.
  SentenceChunker chunker(kRate, 2000, 10.0,
                          {Word("a", 0.1, 0.3), Word("b", 0.3, 0.5), Word("c", 0.6, 0.9),
                           Word("d", 1.0, 1.4)},
                          0.25, sink);
  for (size_t i = 0; i < 2000; ++i) chunker.samples()[i] = static_cast<float>(i);
  ASSERT_TRUE(chunker.Advance(200));  // no word complete
  EXPECT_TRUE(chunks.empty());
  ASSERT_TRUE(chunker.Advance(600));  // a and b: cut at b's end
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].pcm.samples.size(), 500u);
  EXPECT_DOUBLE_EQ(chunks[0].offset_s, 10.0);
  ASSERT_EQ(chunks[0].timings.size(), 2u);
  EXPECT_EQ(chunks[0].timings[1].label, "b");
  ASSERT_TRUE(chunker.Advance(950));  // c ends 0.4 s after the cut: a chunk of its own
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_DOUBLE_EQ(chunks[1].offset_s, 10.5);
  EXPECT_EQ(chunks[1].pcm.samples.front(), 500.f);
  ASSERT_EQ(chunks[1].timings.size(), 1u);
  EXPECT_NEAR(chunks[1].timings[0].start_s, 0.1, 1e-9);  // from its chunk's start
  EXPECT_NEAR(chunks[1].timings[0].end_s, 0.4, 1e-9);
  ASSERT_TRUE(chunker.Finish());  // d and the trailing silence
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[2].pcm.samples.size(), 1100u);
  EXPECT_EQ(chunks[2].pcm.samples.back(), 1999.f);
  ASSERT_EQ(chunks[2].timings.size(), 1u);
  EXPECT_NEAR(chunks[2].timings[0].start_s, 0.1, 1e-9);
  EXPECT_TRUE(chunker.Finish());  // nothing more
  EXPECT_EQ(chunks.size(), 3u);
}

TEST(SentenceChunker, ShortWordsWaitForTheMinimumAndErrorsStop) {
  int delivered = 0;
  const engines::AudioChunkSink sink = [&](AudioChunk&&) -> Status {
    ++delivered;
    return MakeError(ErrorCode::kCanceled, "client gone");
  };
  SentenceChunker chunker(1000, 1000, 0, {Word("a", 0, 0.05), Word("b", 0.05, 0.1)}, 0.25, sink);
  ASSERT_TRUE(chunker.Advance(150));  // both words ready, but under 0.25 s
  EXPECT_EQ(delivered, 0);
  auto finished = chunker.Finish();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().code, ErrorCode::kCanceled);
  EXPECT_EQ(delivered, 1);
}

}  // namespace
}  // namespace vox::neural
