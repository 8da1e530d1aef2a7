#include "engines/timeline.h"

#include <algorithm>
#include <cmath>

#include "common/crypto.h"

namespace vox::engines {

Timeline::Timeline(const SynthesisPlan& plan, std::string raw_text)
    : plan_(plan), raw_text_(std::move(raw_text)) {
  for (const std::string& sentence : plan.sentences) {
    if (!normalized_text_.empty()) normalized_text_ += ' ';
    sentence_offsets_.push_back(normalized_text_.size());
    normalized_text_ += sentence;
  }
}

Timeline::ChunkWords Timeline::Add(size_t sentence, const AudioChunk& chunk) {
  std::vector<text::TimedSpan> raw, normalized;
  const bool aligned = sentence < plan_.sources.size();
  for (const TimingItem& item : chunk.timings) {
    if (item.unit != TimingItem::Unit::kWord || sentence >= sentence_offsets_.size()) continue;
    const double start = chunk.offset_s + item.start_s, end = chunk.offset_s + item.end_s;
    const size_t at = sentence_offsets_[sentence];
    normalized.push_back({at + item.text_begin, at + item.text_end, start, end});
    if (aligned) {
      const auto& source = plan_.sources[sentence];
      const auto [b, e] = text::SourceOf(source.spans, item.text_begin, item.text_end);
      raw.push_back({source.offset + b, source.offset + e, start, end});
    }
  }
  timed_ = timed_ || !normalized.empty();
  ChunkWords out{text::WordTimes(raw_text_, raw), text::WordTimes(normalized_text_, normalized)};
  for (const text::WordTime& w : out.raw) {
    // Engines may cut a chunk between two words read from one token ("$3.50"):
    // the caption stays one word, ending with the last of them.
    if (!words_.empty() && w.char_begin < words_.back().char_end) {
      words_.back().end_s = std::max(words_.back().end_s, w.end_s);
    } else {
      words_.push_back(w);
    }
  }
  return out;
}

nlohmann::json WordTimestampsJson(const std::vector<text::WordTime>& words) {
  auto ms = [](double s) { return std::round(s * 1000) / 1000; };
  nlohmann::json out = nlohmann::json::array();
  for (const text::WordTime& w : words) {
    out.push_back({{"word", w.word},
                   {"start", ms(w.start_s)},
                   {"end", ms(w.end_s)},
                   {"char_start", w.char_begin},
                   {"char_end", w.char_end}});
  }
  return out;
}

std::string TimestampsKey(const std::string& job_id) {
  return "audio/" + job_id + ".timestamps.json";
}

std::string TimestampsDocument(const std::string& job_id, std::string_view text,
                               const std::vector<text::WordTime>& words,
                               const nlohmann::json& marks) {
  nlohmann::json doc = {{"job_id", job_id},
                        {"text_sha256", Sha256Hex(text)},
                        {"timestamps", WordTimestampsJson(words)}};
  if (marks.is_array() && !marks.empty()) doc["marks"] = marks;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vox::engines
