// Speech timings shown on a text: word captions and per-character times.
//
// An engine times the words it spoke; text::NormalizeAligned (and the
// synthesizer) map each of them back to the bytes of the caller's text they
// were read from. Several spoken words can come from one written token ("$3.50"
// is "three dollars and fifty cents"), and some characters are not spoken at
// all (spaces, punctuation). This file turns such timed byte ranges into what
// clients display: one caption per written word (WordTimes) and a time for every
// character (AlignCharacters, ElevenLabs' `alignment`). Characters are Unicode
// code points; offsets count code points, end exclusive.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vox::text {

// A spoken unit: the byte range of the text it was read from, and when.
struct TimedSpan {
  std::size_t begin = 0;  // bytes, end exclusive; an empty range is ignored
  std::size_t end = 0;
  double start_s = 0;
  double end_s = 0;
};

// One written word and when it is heard.
struct WordTime {
  std::string word;  // exactly the text's characters [char_begin, char_end)
  double start_s = 0;
  double end_s = 0;
  std::size_t char_begin = 0;  // code points
  std::size_t char_end = 0;
};

// Per character of a text: the three arrays of ElevenLabs' `alignment`, of equal length;
// `characters` joined is the text; start_s[i] <= end_s[i] <= start_s[i + 1].
struct CharacterAlignment {
  std::vector<std::string> characters;
  std::vector<double> start_s;
  std::vector<double> end_s;
};

// Appends `more` (the next piece of the same text) to `to`.
void Append(CharacterAlignment& to, const CharacterAlignment& more);

// Words of `text` as heard: spans whose byte ranges overlap (the words of one
// token) or go backwards are merged into one word covering them all, from the
// first one's start to the last one's end. Times never decrease from one word
// to the next. Ranges past the text are clamped; `text` must be valid UTF-8.
std::vector<WordTime> WordTimes(std::string_view text, const std::vector<TimedSpan>& spans);

// A time for every character of `text`: a word's characters share its time
// evenly; characters between words (spaces, punctuation, what was not spoken)
// share the gap between them, those before the first word [0, its start] and
// those after the last one [its end, duration_s]. With no words, the whole
// text is spread over [0, duration_s]. `words` as WordTimes() makes them.
CharacterAlignment AlignCharacters(std::string_view text, const std::vector<WordTime>& words,
                                   double duration_s);

// AlignCharacters() piece by piece, for audio that is sent as it is made: each
// Advance() times the characters up to the end of the last of the words it is
// given (a chunk's words), Finish() the rest. The pieces joined are
// AlignCharacters() of all the words. `text` must outlive the aligner.
class CharacterAligner {
 public:
  explicit CharacterAligner(std::string_view text);
  CharacterAlignment Advance(const std::vector<WordTime>& words);
  CharacterAlignment Finish(double duration_s);

 private:
  std::vector<std::string_view> characters_;
  std::size_t cursor_ = 0;  // first character not yet timed
  double clock_ = 0;        // when it may start
};

}  // namespace vox::text
