#include "engines/flite_chunker.h"

#include <algorithm>
#include <cmath>

namespace vox::engines::internal {

void FliteChunker::SetTimings(std::vector<TimingItem> items) {
  items_ = std::move(items);
  has_timings_ = true;
}

Status FliteChunker::Advance(const short* samples, std::size_t ready) {
  // The latest clean cut in [emitted_ + min_samples_, ready]: the end of a
  // phone that closes its word or is a pause (the next item starts a word, is
  // a pause, or there is none), so no word straddles two chunks.
  std::size_t cut = 0, cut_items = 0;
  for (std::size_t i = next_item_; i < items_.size(); ++i) {
    const TimingItem& item = items_[i];
    const auto end = static_cast<std::size_t>(std::lround(item.end_s * rate_));
    if (end > ready) break;
    if (item.unit != TimingItem::Unit::kPhoneme) continue;
    const bool closes = i + 1 == items_.size() || items_[i + 1].unit == TimingItem::Unit::kWord ||
                        items_[i + 1].text_begin == items_[i + 1].text_end || item.label == "pau";
    if (closes && end >= emitted_ + min_samples_) {
      cut = end;
      cut_items = i + 1;
    }
  }
  if (cut == 0) return {};
  return Deliver(samples, cut, cut_items);
}

Status FliteChunker::Finish(const short* samples, std::size_t total) {
  if (total <= emitted_) return {};
  return Deliver(samples, total, items_.size());
}

Status FliteChunker::Deliver(const short* samples, std::size_t cut, std::size_t items_end) {
  AudioChunk chunk;
  chunk.pcm.sample_rate = rate_;
  chunk.pcm.channels = 1;
  chunk.pcm.samples.reserve(cut - emitted_);
  for (std::size_t i = emitted_; i < cut; ++i) chunk.pcm.samples.push_back(samples[i] / 32768.0f);
  chunk.offset_s = static_cast<double>(emitted_) / rate_;
  const double duration = chunk.pcm.duration_s();
  for (std::size_t i = next_item_; i < items_end; ++i) {
    TimingItem item = std::move(items_[i]);
    item.start_s = std::clamp(item.start_s - chunk.offset_s, 0.0, duration);
    item.end_s = std::clamp(item.end_s - chunk.offset_s, item.start_s, duration);
    chunk.timings.push_back(std::move(item));
  }
  emitted_ = cut;
  next_item_ = items_end;
  return sink_(std::move(chunk));
}

}  // namespace vox::engines::internal
