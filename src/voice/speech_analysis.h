// One pass of every per-frame analysis the voice module needs, shared by the
// speaker encoder and the voice profile so a recording is analysed once.
#pragma once

#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "voice/features.h"
#include "voice/formants.h"
#include "voice/pitch.h"
#include "voice/speaking_rate.h"

namespace vox::voice {

// Below this much selected speech there is nothing stable to measure.
inline constexpr double kMinSpeechSeconds = 0.5;

struct SpeechAnalysis {
  Features features;
  std::vector<bool> speech;  // energy-selected frames
  std::vector<bool> voiced;  // speech frames with an F0
  PitchTrack pitch;          // f0_hz is 0 outside `voiced`
  FormantEstimate formants;  // from voiced frames
  SpeakingRate speaking_rate;

  int num_speech_frames() const;
  int num_voiced_frames() const;
  double speech_seconds() const;  // selected frames x hop
};

// Prepares `pcm` (any rate and channel count; see PrepareAudio) and analyses it.
// Errors (field "audio"): those of PrepareAudio, and invalid_argument when less
// than kMinSpeechSeconds of speech is found (silence, a click, a too-short clip).
Result<SpeechAnalysis> AnalyzeSpeech(const audio::PcmBuffer& pcm);

}  // namespace vox::voice
