// Builds the normalized output: words separated by single spaces, with the
// sentence punctuation Flite uses for prosody (. , ? !) attached to the word
// before it.
#pragma once

#include <string>
#include <string_view>

namespace vox::text {

class Emitter {
 public:
  explicit Emitter(std::size_t reserve = 0) { out_.reserve(reserve); }

  // Appends one or more space-separated words; empty input is ignored.
  void Word(std::string_view words);
  // A short pause (","). Dropped at the start and before a stronger mark.
  void Pause();
  // Sentence punctuation: '.', '?' or '!'. A question or exclamation mark
  // wins over a period; repeated marks collapse into one.
  void Stop(char mark);
  // Closes pending punctuation (a trailing pause is dropped) and returns the text.
  std::string Finish() &&;

  bool empty() const { return out_.empty(); }

 private:
  std::string out_;
  char pending_ = 0;  // punctuation waiting for the next word
};

}  // namespace vox::text
