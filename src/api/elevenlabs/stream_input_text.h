// StreamInputText: the text of a WebSocket stream-input as it arrives, cut into the pieces
// to speak — each complete sentence as soon as it is complete (text::SentenceSplitter), the
// rest when the client flushes or ends the input.
//
// Pieces are exact slices of the text received, whitespace included (a sentence carries the
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

class StreamInputText {
 public:
  // Sentences longer than `max_sentence_bytes` are cut (SplitOptions::max_bytes).
  explicit StreamInputText(size_t max_sentence_bytes = 400);

  // Adds text; returns the pieces now complete.
  std::vector<std::string> Add(std::string_view text);
  // Everything not yet returned, except trailing whitespace (kept for the next piece).
  std::vector<std::string> Flush();
  // Bytes received and not yet returned.
  size_t buffered() const { return pending_.size(); }

 private:
  std::vector<std::string> Take();

  text::SplitOptions options_;
  std::optional<text::SentenceSplitter> splitter_;
  std::string pending_;  // text not returned yet; the splitter has seen all of it
};

}  // namespace vox::api::elevenlabs
