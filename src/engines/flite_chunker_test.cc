#include "engines/flite_chunker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vox::engines::internal {
namespace {

TimingItem Item(TimingItem::Unit unit, std::string label, size_t begin, size_t end, double start_s,
                double end_s) {
  return {unit, std::move(label), begin, end, start_s, end_s};
}
constexpr auto kWord = TimingItem::Unit::kWord;
constexpr auto kPhone = TimingItem::Unit::kPhoneme;

// "pau hi there pau" at 10 Hz: pau 0-0.2, hi 0.2-0.6 (h, i), there 0.6-1.2 (dh, e, r), pau 1.2-1.4.
std::vector<TimingItem> Utterance() {
  return {Item(kPhone, "pau", 0, 0, 0.0, 0.2),  Item(kWord, "hi", 0, 2, 0.2, 0.6),
          Item(kPhone, "h", 0, 2, 0.2, 0.4),    Item(kPhone, "i", 0, 2, 0.4, 0.6),
          Item(kWord, "there", 3, 8, 0.6, 1.2), Item(kPhone, "dh", 3, 8, 0.6, 0.8),
          Item(kPhone, "e", 3, 8, 0.8, 1.0),    Item(kPhone, "r", 3, 8, 1.0, 1.2),
          Item(kPhone, "pau", 8, 8, 1.2, 1.4)};
}

struct Case {
  double min_chunk_s;
  std::vector<size_t> progress;        // samples ready at each vocoder callback
  std::vector<size_t> expected_sizes;  // samples per delivered chunk, Finish included
};

TEST(FliteChunker, CutsOnlyAtWordOrPauseEnds) {
  const std::vector<Case> cases = {
      // Every callback may cut: after pau (2), after "hi" (6), after "there" (12), rest.
      {0.1, {1, 3, 5, 7, 9, 11, 13, 14}, {2, 4, 6, 2}},
      // Inside "there" (7..11) no cut is clean: the chunk waits for its end.
      {0.1, {7, 11, 14}, {6, 8}},
      // At least 0.5 s: the pause alone (0.2 s) is too short to send at sample 3.
      {0.5, {3, 7, 13}, {6, 6, 2}},
      // No callback at all (a vocoder that does not stream): one chunk at Finish.
      {0.1, {}, {14}},
  };
  const short samples[14] = {};
  for (const Case& c : cases) {
    std::vector<AudioChunk> chunks;
    const AudioChunkSink sink = [&](AudioChunk&& chunk) -> Status {
      chunks.push_back(std::move(chunk));
      return {};
    };
    FliteChunker chunker(10, c.min_chunk_s, sink);
    chunker.SetTimings(Utterance());
    for (size_t ready : c.progress) ASSERT_TRUE(chunker.Advance(samples, ready).has_value());
    ASSERT_TRUE(chunker.Finish(samples, 14).has_value());
    std::vector<size_t> sizes;
    size_t words = 0;
    double offset = 0;
    for (const AudioChunk& chunk : chunks) {
      sizes.push_back(chunk.pcm.samples.size());
      EXPECT_DOUBLE_EQ(chunk.offset_s, offset);
      offset += chunk.pcm.duration_s();
      for (const TimingItem& t : chunk.timings) {
        EXPECT_GE(t.start_s, 0.0);
        EXPECT_LE(t.end_s, chunk.pcm.duration_s() + 1e-9) << t.label;
        words += t.unit == kWord;
      }
    }
    EXPECT_EQ(sizes, c.expected_sizes) << "min " << c.min_chunk_s;
    EXPECT_EQ(words, 2u);
  }
}

TEST(FliteChunker, ASinkErrorIsReturned) {
  const short samples[14] = {};
  const AudioChunkSink failing = [](AudioChunk&&) -> Status {
    return MakeError(ErrorCode::kUnavailable, "gone");
  };
  FliteChunker chunker(10, 0.1, failing);
  chunker.SetTimings(Utterance());
  const Status s = chunker.Advance(samples, 14);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace vox::engines::internal
