#include "neural/sentence_chunker.h"

#include <algorithm>
#include <cmath>

namespace vox::neural {

SentenceChunker::SentenceChunker(int sample_rate, size_t total_samples, double offset_s,
                                 std::vector<engines::TimingItem> words, double min_chunk_s,
                                 const engines::AudioChunkSink& sink)
    : rate_(sample_rate),
      offset_s_(offset_s),
      min_samples_(static_cast<size_t>(min_chunk_s * sample_rate)),
      sink_(sink),
      samples_(total_samples, 0.f),
      words_(std::move(words)) {}

Status SentenceChunker::Advance(size_t ready) {
  ready = std::min(ready, samples_.size());
  // The latest word end in [emitted_ + min_samples_, ready]; words never overlap, so
  // the next word starts at or after it.
  size_t cut = 0, cut_words = 0;
  for (size_t i = next_word_; i < words_.size(); ++i) {
    const auto end = static_cast<size_t>(std::lround(words_[i].end_s * rate_));
    if (end > ready) break;
    if (end >= emitted_ + min_samples_) {
      cut = end;
      cut_words = i + 1;
    }
  }
  if (cut == 0) return {};
  return Deliver(cut, cut_words);
}

Status SentenceChunker::Finish() {
  if (samples_.size() <= emitted_ && next_word_ == words_.size()) return {};
  return Deliver(samples_.size(), words_.size());
}

Status SentenceChunker::Deliver(size_t cut, size_t words_end) {
  engines::AudioChunk chunk;
  chunk.pcm.sample_rate = rate_;
  chunk.pcm.channels = 1;
  chunk.pcm.samples.assign(samples_.begin() + emitted_, samples_.begin() + cut);
  const double start_s = static_cast<double>(emitted_) / rate_;
  chunk.offset_s = offset_s_ + start_s;
  const double duration = chunk.pcm.duration_s();
  for (size_t i = next_word_; i < words_end; ++i) {
    engines::TimingItem item = std::move(words_[i]);
    item.start_s = std::clamp(item.start_s - start_s, 0.0, duration);
    item.end_s = std::clamp(item.end_s - start_s, item.start_s, duration);
    chunk.timings.push_back(std::move(item));
  }
  emitted_ = cut;
  next_word_ = words_end;
  return sink_(std::move(chunk));
}

}  // namespace vox::neural
