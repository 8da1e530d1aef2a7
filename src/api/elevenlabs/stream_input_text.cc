#include "api/elevenlabs/stream_input_text.h"

namespace vox::api::elevenlabs {
namespace {
bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos; }
}  // namespace

StreamInputText::StreamInputText(size_t max_sentence_bytes) {
  options_.max_bytes = max_sentence_bytes;
  splitter_.emplace(options_);
}

std::vector<std::string> StreamInputText::Add(std::string_view text) {
  pending_.append(text);
  splitter_->Feed(text);
  return Take();
}

std::vector<std::string> StreamInputText::Flush() {
  splitter_->Finish();
  std::vector<std::string> pieces = Take();
  splitter_.emplace(options_);  // a finished splitter takes no more text
  const size_t end = pending_.find_last_not_of(" \t\r\n\f\v");
  if (end != std::string::npos) {  // text the splitter had nothing to say about: speak it
    pieces.push_back(pending_.substr(0, end + 1));
    pending_.erase(0, end + 1);
  }
  return pieces;
}

std::vector<std::string> StreamInputText::Take() {
  std::vector<std::string> pieces;
  std::string sentence;
  while (splitter_->Next(&sentence)) {
    // The splitter trims: the sentence follows the whitespace left at pending_'s start.
    const size_t at = pending_.find(sentence);
    const size_t end = at == std::string::npos ? pending_.size() : at + sentence.size();
    std::string piece = pending_.substr(0, end);
    pending_.erase(0, end);
    if (!Blank(piece)) pieces.push_back(std::move(piece));
  }
  return pieces;
}

}  // namespace vox::api::elevenlabs
