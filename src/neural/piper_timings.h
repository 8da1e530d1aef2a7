// Word timings for Piper voices, from the durations the graph gives each
// phoneme id (the rounded-up frame counts of VITS's duration predictor).
//
// espeak reads "in the house" as "ɪnðə hˈaʊs": its words do not always match
// the text's. So the phoneme words (runs of ids between spaces) are aligned
// to the text's words monotonically, one phoneme word to one or more text
// words or the reverse, choosing the grouping whose lengths agree best; a
// group of text words shares its phoneme word's time in proportion to their
// letters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "engines/engine.h"
#include "piper/voice_config.h"

namespace vox::neural {

// One run of the graph: the ids it read, the frames it gave each, and where
// its audio lies in the chunk (silence added after it excluded).
struct PhraseRun {
  std::vector<int64_t> ids;
  std::vector<float> frames;  // per id; a run without them gives no words
  size_t first_sample = 0;
  size_t samples = 0;
};

// Which ids carry speech: not ^ $ _, not the word space, not punctuation.
class PhonemeClasses {
 public:
  explicit PhonemeClasses(const piper::VoiceConfig& voice);
  bool IsSpace(int64_t id) const { return spaces_.contains(id); }
  bool IsSpeech(int64_t id) const { return !spaces_.contains(id) && !silent_.contains(id); }

 private:
  std::set<int64_t> spaces_, silent_;
};

// Word items for `text` (the sentence as the engine was given it): byte
// ranges into it, times in seconds from the chunk's first sample. Empty when
// the runs carry no durations or the text has no words.
std::vector<engines::TimingItem> WordTimings(std::string_view text,
                                             const std::vector<PhraseRun>& runs,
                                             const PhonemeClasses& classes, int sample_rate);

}  // namespace vox::neural
