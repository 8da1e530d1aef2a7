// What an SSML document asks for, flattened: runs of plain text, each with the
// prosody in force, the pause before it and the marks that precede it.
//
// The parser (ssml_parser.h) produces it; the synthesizer speaks it. Text is
// already what Vox's normalizer should read: say-as and sub are expanded,
// phoneme elements read their own text (see README.md).
#pragma once

#include <string>
#include <vector>

namespace vox::ssml {

struct Prosody {
  double rate = 1.0;       // multiplies the request's speed
  double pitch = 1.0;      // multiplies the request's pitch (F0)
  double volume_db = 0.0;  // gain applied to the audio; -inf dB would be silent
  bool silent = false;     // volume="silent": the text is spoken as silence

  bool operator==(const Prosody&) const = default;
};

struct Segment {
  std::string text;                // plain text (UTF-8) for the normalizer
  Prosody prosody;                 // in force for the whole run
  std::string language;            // xml:lang in force; empty: the request's
  double pause_before_s = 0;       // sum of the breaks before this run
  std::vector<std::string> marks;  // <mark>s before this run's first word, in order
};

struct Document {
  std::vector<Segment> segments;  // in reading order; a new one at every break,
                                  // mark, paragraph, sentence or prosody change
  // Breaks and marks after the last text run.
  double tail_pause_s = 0;
  std::vector<std::string> tail_marks;
};

}  // namespace vox::ssml
