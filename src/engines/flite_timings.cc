#include "engines/flite_timings.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

extern "C" {
#include <flite/flite.h>
}

namespace vox::engines::internal {
namespace {

struct ByteRange {
  std::size_t begin, end;
};

// Every word's (Word relation item's) byte range in `text`: its token's, found left to right.
std::unordered_map<const cst_item*, ByteRange> WordRanges(const cst_utterance* utt,
                                                          std::string_view text) {
  std::unordered_map<const cst_item*, ByteRange> out;
  cst_relation* tokens = utt_relation(utt, "Token");
  if (tokens == nullptr) return out;
  std::size_t cursor = 0;
  for (const cst_item* token = relation_head(tokens); token; token = item_next(token)) {
    const std::string_view name = item_name(token);
    std::size_t begin = name.empty() ? std::string_view::npos : text.find(name, cursor);
    std::size_t end = begin + name.size();
    if (begin == std::string_view::npos) begin = end = cursor;  // not verbatim: place it here
    cursor = end;
    for (const cst_item* w = item_daughter(token); w; w = item_next(w)) {
      out[item_as(w, "Word")] = {begin, end};
    }
  }
  return out;
}

const cst_item* WordOf(const cst_item* segment) {
  const cst_item* in_syllable = item_as(segment, "SylStructure");
  if (in_syllable == nullptr) return nullptr;  // a pause belongs to no word
  const cst_item* syllable = item_parent(in_syllable);
  const cst_item* word = syllable ? item_parent(syllable) : nullptr;
  return word ? item_as(word, "Word") : nullptr;
}

}  // namespace

std::vector<TimingItem> FliteTimings(const cst_utterance_struct* utt, std::string_view text,
                                     double duration_s) {
  std::vector<TimingItem> items;
  cst_relation* segments = utt_relation(utt, "Segment");
  if (segments == nullptr) return items;
  const auto ranges = WordRanges(utt, text);
  const auto clip = [&](double t) { return std::clamp(t, 0.0, duration_s); };

  const cst_item* current_word = nullptr;
  std::size_t word_index = 0;  // of current_word's item in `items`
  std::size_t pause_at = 0;    // text position for a pause: after the last word
  double start = 0;
  for (const cst_item* seg = relation_head(segments); seg; seg = item_next(seg)) {
    const double end = std::max(start, clip(item_feat_float(seg, "end")));
    const cst_item* word = WordOf(seg);
    std::size_t begin_byte = pause_at, end_byte = pause_at;
    if (word != nullptr) {
      if (const auto range = ranges.find(word); range != ranges.end()) {
        begin_byte = range->second.begin;
        end_byte = range->second.end;
      }
      if (word != current_word) {
        current_word = word;
        word_index = items.size();
        items.push_back(
            {TimingItem::Unit::kWord, item_name(word), begin_byte, end_byte, start, end});
      }
      items[word_index].end_s = end;
      pause_at = end_byte;
    } else {
      current_word = nullptr;
    }
    items.push_back({TimingItem::Unit::kPhoneme, item_name(seg), begin_byte, end_byte, start, end});
    start = end;
  }
  return items;
}

}  // namespace vox::engines::internal
