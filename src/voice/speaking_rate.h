// Speaking rate as syllable nuclei per second of speech.
//
// After de Jong & Wempe (2009): a syllable nucleus is a peak of the (smoothed)
// vowel-band intensity that stands out from the dips around it and is voiced.
// Counting them needs no transcript, so it works for any language.
#pragma once

#include <vector>

#include "voice/features.h"

namespace vox::voice {

struct SpeakingRateConfig {
  double min_dip_db = 2.0;     // a peak must rise this much over the dip on each side
  int min_peak_distance = 8;   // frames (80 ms): syllables are rarely closer
  int smoothing = 5;           // moving-average frames over the intensity
  double band_low_hz = 300.0;  // vowel band: F1/F2 energy, little fricative noise
  double band_high_hz = 3000.0;
  int min_pause_frames = 30;  // pauses of 300 ms or more do not count as speaking time
};

struct SpeakingRate {
  int syllables = 0;
  double speech_seconds = 0.0;  // speaking time without pauses
  double syllables_per_second = 0.0;
};

// `speech` flags the frames to consider (energy selection); `f0_hz` (0 =
// unvoiced) keeps only voiced peaks. Both have one entry per feature frame.
SpeakingRate EstimateSpeakingRate(const Features& features, const std::vector<bool>& speech,
                                  const std::vector<float>& f0_hz,
                                  const SpeakingRateConfig& config = {});

}  // namespace vox::voice
