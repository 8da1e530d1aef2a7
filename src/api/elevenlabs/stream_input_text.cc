#include "api/elevenlabs/stream_input_text.h"

#include <algorithm>

#include "text/utf8.h"

namespace vox::api::elevenlabs {
namespace {
constexpr const char* kSpaces = " \t\r\n\f\v";
bool Blank(std::string_view s) { return s.find_first_not_of(kSpaces) == std::string::npos; }
}  // namespace

StreamInputText::StreamInputText(StreamInputTextOptions options)
    : schedule_(std::move(options.schedule)) {
  split_.max_bytes = options.max_sentence_bytes;
  splitter_.emplace(split_);
}

size_t StreamInputText::threshold() const {
  if (schedule_.empty()) return 0;
  return static_cast<size_t>(schedule_[std::min(generations_, schedule_.size() - 1)]);
}

std::vector<std::string> StreamInputText::Add(std::string_view text) {
  pending_.append(text);
  splitter_->Feed(text);
  std::vector<std::string> pieces = TakeSentences();
  if (!schedule_.empty()) {
    if (auto words = TakeWords(threshold())) Generated(std::move(*words), pieces);
  }
  return pieces;
}

std::vector<std::string> StreamInputText::TryTrigger() {
  std::vector<std::string> pieces;
  if (auto words = TakeWords(kMinChunkLength)) Generated(std::move(*words), pieces);
  return pieces;
}

std::vector<std::string> StreamInputText::Flush() {
  splitter_->Finish();
  std::vector<std::string> pieces = TakeSentences();
  splitter_.emplace(split_);  // a finished splitter takes no more text
  const size_t end = pending_.find_last_not_of(kSpaces);
  if (end != std::string::npos) {  // text the splitter had nothing to say about: speak it
    std::string rest = pending_.substr(0, end + 1);
    pending_.erase(0, end + 1);
    Generated(std::move(rest), pieces);
  }
  splitter_->Feed(pending_);  // the whitespace kept
  return pieces;
}

std::vector<std::string> StreamInputText::TakeSentences() {
  std::vector<std::string> pieces;
  std::string sentence;
  while (splitter_->Next(&sentence)) {
    // The splitter trims: the sentence follows the whitespace left at pending_'s start.
    const size_t at = pending_.find(sentence);
    const size_t end = at == std::string::npos ? pending_.size() : at + sentence.size();
    std::string piece = pending_.substr(0, end);
    pending_.erase(0, end);
    if (!Blank(piece)) Generated(std::move(piece), pieces);
  }
  return pieces;
}

std::optional<std::string> StreamInputText::TakeWords(size_t min_chars) {
  // A word is complete once whitespace follows it.
  const size_t space = pending_.find_last_of(kSpaces);
  if (space == std::string::npos) return std::nullopt;
  const size_t last = pending_.find_last_not_of(kSpaces, space);
  if (last == std::string::npos) return std::nullopt;
  if (text::CountCodePoints(std::string_view(pending_).substr(0, last + 1)) < min_chars) {
    return std::nullopt;
  }
  std::string piece = pending_.substr(0, last + 1);
  pending_.erase(0, last + 1);
  // The splitter held the piece as the start of a sentence: it starts again on what is left.
  splitter_.emplace(split_);
  splitter_->Feed(pending_);
  return piece;
}

void StreamInputText::Generated(std::string piece, std::vector<std::string>& pieces) {
  pieces.push_back(std::move(piece));
  ++generations_;
}

}  // namespace vox::api::elevenlabs
