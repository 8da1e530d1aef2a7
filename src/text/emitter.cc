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
  out_ += words;
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

}  // namespace vox::text
