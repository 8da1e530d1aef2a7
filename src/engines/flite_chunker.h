// Cuts flite's audio into chunks while its vocoder is still running. Internal
// to vox_engines.
//
// The vocoders (clustergen MLSA, diphone LPC) report every few milliseconds of
// finished samples through flite's audio streaming callback. The utterance's
// timings are fixed before vocoding starts, so a chunk can be cut wherever a
// word or a pause ends: every timing item then lies inside one chunk, and a
// listener gets the first words after a fraction of the sentence's work.
#pragma once

#include <cstddef>
#include <vector>

#include "engines/engine.h"

namespace vox::engines::internal {

class FliteChunker {
 public:
  // Chunks are at least `min_chunk_s` long except the last.
  FliteChunker(int sample_rate, double min_chunk_s, const AudioChunkSink& sink)
      : rate_(sample_rate),
        min_samples_(static_cast<std::size_t>(min_chunk_s * sample_rate)),
        sink_(sink) {}

  bool has_timings() const { return has_timings_; }
  // The whole utterance's items in time order (FliteTimings), before the first Advance.
  void SetTimings(std::vector<TimingItem> items);

  // samples[0, ready) are final: delivers the chunks that can be cut in them.
  Status Advance(const short* samples, std::size_t ready);
  // Synthesis is over with `total` samples: delivers the rest (if any), with
  // every remaining item, clipped to the audio.
  Status Finish(const short* samples, std::size_t total);

 private:
  Status Deliver(const short* samples, std::size_t cut, std::size_t items_end);

  int rate_;
  std::size_t min_samples_;
  const AudioChunkSink& sink_;
  std::vector<TimingItem> items_;
  bool has_timings_ = false;
  std::size_t emitted_ = 0;    // samples delivered
  std::size_t next_item_ = 0;  // first item not delivered
};

}  // namespace vox::engines::internal
