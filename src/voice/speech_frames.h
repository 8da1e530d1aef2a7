// Energy-based choice of the frames worth analysing for speaker identity.
//
// Not a VAD (preprocessing runs webrtc's on uploads); this only has to keep
// frames that are clearly speech and drop pauses, breaths and noise floor,
// robustly across recording levels. The threshold adapts to each recording:
// it sits between its noise floor and its loud speech.
#pragma once

#include <span>
#include <vector>

namespace vox::voice {

struct FrameSelectionConfig {
  double absolute_floor_db = -60.0;  // never select below this (digital silence, hiss)
  double max_below_peak_db = 30.0;   // never select more than this under the loud speech
  double floor_fraction = 0.3;       // threshold = floor + fraction * (peak - floor), at least
  double floor_percentile = 0.10;    // noise floor estimate
  double peak_percentile = 0.95;     // loud speech estimate (robust to clicks)
};

// One flag per frame of `energy_db`; all false for silence.
std::vector<bool> SelectSpeechFrames(std::span<const float> energy_db,
                                     const FrameSelectionConfig& config = {});

// Duration in frames of the speech regions: from the first to the last selected
// frame, minus pauses (unselected runs) of `min_pause_frames` or more. Used as
// the time base for speaking rate, so short dips inside words still count.
int SpeechRegionFrames(const std::vector<bool>& selected, int min_pause_frames);

}  // namespace vox::voice
