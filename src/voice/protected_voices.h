// Protected voices: speakers whose voice must never be cloned (public figures, people who asked
// to be excluded). Every new voice's embedding is compared against the list before a clone is
// made.
//
// A miss here is worse than a false alarm (a false alarm sends an upload to human review; a
// miss clones a protected person), so the threshold sits below the equal-error point; see
// kProtectedVoiceThreshold.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "common/status.h"
#include "voice/speaker_encoder.h"

namespace vox::voice {

struct ProtectedVoice {
  std::string id;       // stable key (database id)
  std::string name;     // shown to reviewers: "Jane Doe (public figure)"
  Embedding embedding;  // enrolment: AverageEmbeddings of several recordings
};

struct ProtectedMatch {
  std::string id;
  std::string name;
  double similarity = 0.0;
  int shift_cents = 0;         // FindProtectedInRecording: the undone shift that matched
  bool without_pitch = false;  // ... and whether log F0 was left out of the comparison
};

// stats/1 cosine at which a candidate is flagged, below the equal-error point of 0.885
// (src/voice/README.md) because a miss costs more than a review. Measured in
// consent_eval_test.cc (one held-out sentence against a 4-sentence enrolment): enrolled
// speakers 0.926 and up; the same voices shifted +20% in pitch (sox) 0.88..0.91 and +15% in
// formants 0.85..0.90, caught; different speakers up to 0.83 (eSpeak f4 vs f2), not flagged.
// Known false alarm: two US male diphone voices (flite kal16, Festival ked) at 0.92..0.95.
inline constexpr double kProtectedVoiceThreshold = 0.85;
// The threshold for matches FindProtectedInRecording (protected_search.h) finds only after
// undoing a pitch/formant shift or leaving log F0 out, above kProtectedVoiceThreshold because
// each of the 17 extra comparisons is another chance of a false alarm. Measured in
// protected_search_eval_test.cc: listed voices sox-shifted by +-200 and -400 cents all found
// (24/24 each); other speakers found only this way: 1 of 54 sentences (eSpeak f4 as f2, 0.908).
inline constexpr double kProtectedNormalizedThreshold = 0.90;

// The most similar protected voice whose cosine with `candidate` is >= `threshold`, or nullopt.
// Errors (invalid_argument): a threshold outside [-1, 1] or NaN (field "threshold"); any
// protected embedding from another encoder or dimension than the candidate, or empty (field
// "embedding", naming the voice id). Refusing is deliberate: a stale list after an encoder
// upgrade must stop cloning, not silently match nothing. Linear in the list; thread-safe.
Result<std::optional<ProtectedMatch>> FindProtectedMatch(
    const Embedding& candidate, std::span<const ProtectedVoice> voices,
    double threshold = kProtectedVoiceThreshold);

}  // namespace vox::voice
