// StreamInputText: the text of a WebSocket stream-input as it arrives, cut into the pieces
// to speak (each piece is one generation), as ElevenLabs documents its buffer:
//
//   - text accumulates until the characters received since the last generation reach the
//     schedule's current threshold (generation_config.chunk_length_schedule: the first
//     generation waits for the first value, the second for the second, ..., the last value
//     repeats); the piece then is everything received up to the last complete word (a word
//     still being typed, with no whitespace after it yet, waits for the next piece);
//   - a sentence end (text::SentenceSplitter) triggers a generation at once, whatever the
//     threshold, and so does a sentence over `max_sentence_bytes` (cut, the engines' bound);
//   - TryTrigger() (try_trigger_generation) generates the complete words buffered when they
//     are at least kMinChunkLength characters, ElevenLabs' "minimum threshold";
//   - Flush() (flush: true, and the end of the input) generates everything.
// Every generation, whatever triggered it, moves the schedule on by one.
//
// Pieces are exact slices of the text received, whitespace included (a piece carries the
// spaces before it), so the alignments of all pieces joined are the client's text; only
// whitespace left at the very end is never spoken. Not thread-safe: the session's strand.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/sentence_splitter.h"

namespace vox::api::elevenlabs {

// The values a chunk_length_schedule may hold, in characters (ElevenLabs': 50..500).
constexpr int kMinChunkLength = 50;
constexpr int kMaxChunkLength = 500;

struct StreamInputTextOptions {
  // ElevenLabs' default; empty: no schedule (only sentence ends, TryTrigger and Flush).
  std::vector<int> schedule = {120, 160, 250, 290};
  size_t max_sentence_bytes = 400;  // SplitOptions::max_bytes
};

class StreamInputText {
 public:
  explicit StreamInputText(StreamInputTextOptions options = {});

  // Adds text; returns the pieces now triggered.
  std::vector<std::string> Add(std::string_view text);
  // The complete words buffered, if there are at least kMinChunkLength characters of them.
  std::vector<std::string> TryTrigger();
  // Everything not yet returned, except trailing whitespace (kept for the next piece).
  std::vector<std::string> Flush();
  // Bytes received and not yet returned.
  size_t buffered() const { return pending_.size(); }
  // Characters the next generation waits for; 0 without a schedule.
  size_t threshold() const;

 private:
  std::vector<std::string> TakeSentences();
  // The complete words buffered as one piece, if they are `min_chars` characters or more.
  std::optional<std::string> TakeWords(size_t min_chars);
  void Generated(std::string piece, std::vector<std::string>& pieces);

  std::vector<int> schedule_;
  text::SplitOptions split_;
  std::optional<text::SentenceSplitter> splitter_;
  std::string pending_;  // text not returned yet; the splitter has seen all of it
  size_t generations_ = 0;
};

}  // namespace vox::api::elevenlabs
