#include "voice/clone_protected_check.h"

#include <algorithm>
#include <array>
#include <memory>

#include "engines/engine.h"
#include "voice/conversion_fit.h"

namespace vox::voice {

std::span<const double> ClonePitchesChecked() {
  static constexpr std::array<double, 2> kPitches = {engines::SynthesisParams::kMinPitch,
                                                     engines::SynthesisParams::kMaxPitch};
  return kPitches;
}

Result<std::optional<CloneProtectedMatch>> FindProtectedInClone(
    const engines::VoiceConversion& conversion, engines::VoiceConversionEngine& flite,
    SpeakerEncoder& encoder, std::span<const ProtectedVoice> voices,
    const ProtectedSearchOptions& options) {
  if (voices.empty()) return std::nullopt;
  // A rendition an octave off is itself a transformation: every match on it needs the
  // normalised threshold (measured: slt's clone at pitch 0.5 scores 0.873 against flite rms,
  // over the plain 0.85, far under what its own octave-down voice scores, 0.994).
  ProtectedSearchOptions strict = options;
  strict.threshold = std::max(options.threshold, options.normalized_threshold);
  auto shared = std::make_shared<const engines::VoiceConversion>(conversion);
  for (double pitch : ClonePitchesChecked()) {
    VOX_ASSIGN_OR_RETURN(
        const audio::PcmBuffer pcm,
        SynthesizePassage(flite, conversion.base_voice, TrialPassage(), shared, pitch));
    VOX_ASSIGN_OR_RETURN(auto match, FindProtectedInRecording(pcm, encoder, voices, strict));
    if (match) return CloneProtectedMatch{std::move(*match), pitch};
  }
  return std::nullopt;
}

}  // namespace vox::voice
