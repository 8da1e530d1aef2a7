// Fundamental frequency per frame with YIN (de Cheveigné & Kawahara, 2002).
//
// YIN's cumulative-mean-normalized difference function is robust to the
// formant structure that fools plain autocorrelation, and its minimum doubles
// as an aperiodicity measure for the voicing decision.
#pragma once

#include <span>
#include <vector>

#include "common/status.h"

namespace vox::voice {

struct PitchConfig {
  double min_hz = 60.0;
  double max_hz = 400.0;
  int window = 320;               // integration window in samples (20 ms at 16 kHz)
  double threshold = 0.15;        // absolute threshold on the normalized difference
  double max_aperiodicity = 0.3;  // frames whose best dip is above this are unvoiced

  Status Validate(int sample_rate) const;  // names the bad field
};

struct PitchTrack {
  std::vector<float> f0_hz;         // per frame; 0 when unvoiced or not analysed
  std::vector<float> aperiodicity;  // YIN d' at the chosen lag (0 = periodic); 1 if not analysed
};

// Analyses frame t at samples [t * hop, t * hop + window + max_lag) for every t
// in 0..num_frames-1 where `mask` is empty or mask[t] is true (unselected
// frames cost nothing). Frames running past the end are zero-padded.
Result<PitchTrack> EstimatePitch(std::span<const float> samples, int sample_rate, int hop,
                                 int num_frames, const std::vector<bool>& mask = {},
                                 const PitchConfig& config = {});

}  // namespace vox::voice
