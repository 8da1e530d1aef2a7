// Cuts one sentence's audio into chunks while its phrases are still being
// decoded in windows (piper_vocoder.h). Internal to vox_neural.
//
// The sentence's layout (each phrase's frames, the silences) and its word
// timings are known once its phrases' durations are, before any audio: the
// decoded samples are written into the sentence's buffer in place, and each
// time more of it is final, a chunk is cut where the latest word that fits
// ends, so no word straddles two chunks (as engines promise, engine.h).
#pragma once

#include <cstddef>
#include <vector>

#include "engines/engine.h"

namespace vox::neural {

class SentenceChunker {
 public:
  // `words`: the sentence's word items, in time order, times from its first
  // sample; `offset_s`: where the sentence starts in the call's audio. Chunks
  // are at least `min_chunk_s` long except the last.
  SentenceChunker(int sample_rate, size_t total_samples, double offset_s,
                  std::vector<engines::TimingItem> words, double min_chunk_s,
                  const engines::AudioChunkSink& sink);

  // The sentence's samples (zeros until written): decoded audio goes here.
  std::vector<float>& samples() { return samples_; }
  // samples()[0, ready) are final: delivers the chunk that can be cut in them.
  Status Advance(size_t ready);
  // Delivers the rest, with every remaining word.
  Status Finish();

 private:
  Status Deliver(size_t cut, size_t words_end);

  const int rate_;
  const double offset_s_;
  const size_t min_samples_;
  const engines::AudioChunkSink& sink_;
  std::vector<float> samples_;
  std::vector<engines::TimingItem> words_;
  size_t emitted_ = 0;     // samples delivered
  size_t next_word_ = 0;   // first word not delivered
};

}  // namespace vox::neural
