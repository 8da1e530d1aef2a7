// The protected-voice check on a recording, normalised for pitch and formants: a protected
// voice shifted by a few semitones (sox pitch, any resampling trick: F0 and formants move
// together) or with its F0 alone moved (PSOLA, a clone's `pitch` control) must still match.
//
// How: the recording is re-embedded at each shift of a grid (its samples relabelled with
// another sample rate, which scales every frequency, F0 and formants, by 2^(-cents/1200):
// the exact inverse of a frequency shift), and each embedding is compared both whole and,
// for stats/1, without its log-F0 group (StatsSpeakerEncoder::WithoutPitch). The best cosine
// over the grid is the candidate's similarity. Measured in protected_search_eval_test.cc.
#pragma once

#include <span>
#include <vector>

#include "audio/pcm_buffer.h"
#include "voice/protected_voices.h"
#include "voice/speaker_encoder.h"

namespace vox::voice {

struct ProtectedSearchOptions {
  // Undone shifts in cents; 0 must be among them. +-400 in 100-cent steps covers the
  // shifts that keep a voice recognisable as a person's (a third up or down).
  std::vector<int> shifts_cents = {-400, -300, -200, -100, 0, 100, 200, 300, 400};
  bool without_pitch = true;  // also compare stats/1 embeddings without log F0
  // Threshold for the matches found only by shifting or by dropping log F0: each is another
  // try at a false alarm, so it sits above kProtectedVoiceThreshold (see the README).
  double normalized_threshold = kProtectedNormalizedThreshold;
  double threshold = kProtectedVoiceThreshold;  // the unshifted, whole embedding
  // The shifted re-embeddings look at this much of the recording (its start), so a 10-minute
  // upload costs 8 more minute-long analyses rather than 8 more ten-minute ones.
  double max_shifted_seconds = 60.0;

  Status Validate() const;  // invalid_argument naming the field
};

// The best protected match of `recording` (any rate; mono or not) over the shifts, or nullopt.
// ProtectedMatch::shift_cents says which undone shift matched (0: none) and without_pitch
// whether log F0 was left out. Errors: FindProtectedMatch's, the encoder's (field "audio"
// when the recording has too little speech), and bad options. Cost: one embedding per shift.
Result<std::optional<ProtectedMatch>> FindProtectedInRecording(
    const audio::PcmBuffer& recording, SpeakerEncoder& encoder,
    std::span<const ProtectedVoice> voices, const ProtectedSearchOptions& options = {});

}  // namespace vox::voice
