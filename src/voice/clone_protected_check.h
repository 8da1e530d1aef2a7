// The protected-voice check on a fitted clone's own output, before the clone becomes ready:
// what matters is what callers can make it say, and a request's `pitch` (0.5..2.0, F0 only)
// can bring a clone of a shifted protected voice back to its original. So the clone reads
// TrialPassage() at both ends of that range and each rendition goes through
// FindProtectedInRecording (protected_search.h: pitch/formant shifts undone, log F0 left out),
// every comparison at the normalised threshold (the rendition is itself a transformation).
#pragma once

#include <optional>
#include <span>

#include "engines/conversion_engine.h"
#include "engines/voice_conversion.h"
#include "voice/protected_search.h"

namespace vox::voice {

struct CloneProtectedMatch {
  ProtectedMatch match;
  double pitch = 1.0;  // the request pitch whose rendition matched
};

// The request pitches checked: SynthesisParams' kMinPitch and kMaxPitch.
std::span<const double> ClonePitchesChecked();

// The first match over ClonePitchesChecked(), or nullopt (also for an empty list, without
// synthesizing). Errors: the engine's, and FindProtectedInRecording's. Cost: two syntheses of
// the 4-sentence trial passage plus 2 x shifts embeddings (README.md, protected voices).
Result<std::optional<CloneProtectedMatch>> FindProtectedInClone(
    const engines::VoiceConversion& conversion, engines::VoiceConversionEngine& flite,
    SpeakerEncoder& encoder, std::span<const ProtectedVoice> voices,
    const ProtectedSearchOptions& options = {});

}  // namespace vox::voice
