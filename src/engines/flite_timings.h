// Word and phone timings of a synthesized flite utterance. Internal to vox_engines.
//
// Flite's duration model writes each phone's end time into the Segment
// relation ("end", seconds, already scaled by duration_stretch); the waveform
// is built from those durations, so they are the audio's own timings. Words
// own their phones through the SylStructure relation (word > syllable >
// segment) and come from tokens of the input text (Token relation), which we
// locate in the text to report byte ranges.
#pragma once

#include <string_view>
#include <vector>

#include "engines/engine.h"

struct cst_utterance_struct;

namespace vox::engines::internal {

// Word and phoneme items of `utt` in time order, clipped to `duration_s`.
// `text` is the input given to flite; words of a token (a number read as
// several words) all get that token's byte range.
std::vector<TimingItem> FliteTimings(const cst_utterance_struct* utt, std::string_view text,
                                     double duration_s);

}  // namespace vox::engines::internal
