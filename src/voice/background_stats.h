// Standardization statistics of StatsSpeakerEncoder's raw features, fitted on a
// background set of speakers and sentences disjoint from every evaluation set.
//
// Regenerate with src/voice/tools/make_background_stats.sh (see the README):
// it synthesizes the background set with eSpeak NG voices that the evaluation
// does not use, runs `voice_fit_background` over it, and rewrites
// background_stats.cc. Changing the statistics changes every embedding, so it
// goes with a StatsSpeakerEncoder version bump.
#pragma once

#include <vector>

namespace vox::voice {

struct BackgroundStats {
  std::vector<double> mean;    // over all background recordings
  std::vector<double> stddev;  // pooled within-speaker standard deviation
  int num_recordings = 0;      // provenance, for the README and ToString
};

// The statistics StatsSpeakerEncoder v1 ships with.
const BackgroundStats& DefaultBackgroundStats();

}  // namespace vox::voice
