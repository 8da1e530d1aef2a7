// Builds the normalized output: words separated by single spaces, with the
// sentence punctuation Flite uses for prosody (. , ? !) attached to the word
// before it. It also remembers where each word is in the output, so that the
// normalizer can say which source characters every word was read from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text/offset_map.h"

namespace vox::text {

// One spoken word of the output and the source characters it was read from.
struct EmittedWord {
  std::size_t begin = 0;  // byte range in the output, without punctuation
  std::size_t end = 0;
  SourceSpan source;  // set by Attribute(); {0, 0} until then
};

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

  // The words emitted so far, in order; Attribute(from, span) sets the source
  // of words [from, words().size()) (those one rule just emitted).
  const std::vector<EmittedWord>& words() const { return words_; }
  void Attribute(std::size_t from, SourceSpan source);

 private:
  std::string out_;
  char pending_ = 0;  // punctuation waiting for the next word
  std::vector<EmittedWord> words_;
};

}  // namespace vox::text
