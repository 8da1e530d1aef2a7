// What an SSML document asks for, flattened: runs of plain text, each with the
// prosody in force, the pause before it and the marks that precede it.
//
// The parser (ssml_parser.h) produces it; the synthesizer speaks it. Text is
// already what Vox's normalizer should read: say-as and sub are expanded,
// phoneme elements read their own text (see README.md). Each run also says where
// its text came from in the document, so timings can be shown on the SSML itself.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "text/normalizer.h"

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
  // Where `text` came from, in order and covering it: [begin, end) bytes of `text` read from
  // [source_begin, source_end) bytes of the document. Verbatim character data maps byte for
  // byte; an entity or character reference, and the whole expansion of a say-as, sub or
  // phoneme, map as one piece onto what the document wrote (the element's content).
  std::vector<text::AlignedSpan> source;
  // A <phoneme> element's run: its `ph` (IPA), spoken instead of `text` where the engine
  // takes phonemes. Such a run is cut from the text around it only at the element's edges:
  // `joins_previous` says a run starts at such an edge (same prosody and language, no break
  // or mark between), so engines that read the text speak it with its neighbours in one go.
  std::string phonemes;
  bool joins_previous = false;
};

struct Document {
  std::vector<Segment> segments;  // in reading order; a new one at every break,
                                  // mark, paragraph, sentence or prosody change
  // Breaks and marks after the last text run.
  double tail_pause_s = 0;
  std::vector<std::string> tail_marks;
};

// The document bytes behind bytes [begin, end) of `segment.text` (document_range.cc):
// verbatim pieces map byte for byte, the others as a whole; an empty range maps to an empty
// range where it stands.
std::pair<std::size_t, std::size_t> DocumentRange(const Segment& segment, std::size_t begin,
                                                  std::size_t end);

}  // namespace vox::ssml
