#include "text/emitter.h"

namespace vox::text {

void Emitter::Word(std::string_view words) {
  // Trim so that callers may pass words with stray spaces around them.
  while (!words.empty() && words.front() == ' ') words.remove_prefix(1);
  while (!words.empty() && words.back() == ' ') words.remove_suffix(1);
  if (words.empty()) return;
  if (!out_.empty()) {
    if (pending_ != 0) out_ += pending_;
    out_ += ' ';
  }
  pending_ = 0;
  const std::size_t start = out_.size();
  out_ += words;
  // One entry per space-separated word ("three dollars" is two).
  std::size_t b = start;
  for (std::size_t i = start; i <= out_.size(); ++i) {
    if (i == out_.size() || out_[i] == ' ') {
      if (i > b) words_.push_back({b, i, {}});
      b = i + 1;
    }
  }
}

void Emitter::Pause() {
  if (!out_.empty() && pending_ == 0) pending_ = ',';
}

void Emitter::Stop(char mark) {
  if (out_.empty()) return;
  if (pending_ == 0 || pending_ == ',' || (pending_ == '.' && mark != '.')) pending_ = mark;
}

std::string Emitter::Finish() && {
  if (pending_ != 0 && pending_ != ',') out_ += pending_;
  pending_ = 0;
  return std::move(out_);
}

void Emitter::Attribute(std::size_t from, SourceSpan source) {
  for (std::size_t i = from; i < words_.size(); ++i) words_[i].source = source;
}

}  // namespace vox::text
