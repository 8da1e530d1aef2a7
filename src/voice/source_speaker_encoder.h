// A second speaker encoder, id "source/1", on features a Vox voice conversion
// does not control (source_features.h): voice-source periodicity and LPC
// residual shape, the normalized pitch-contour shape, timing and dynamics.
//
// Why a second one: a conversion is fitted to maximise the stats/1 cosine to
// the speaker's samples, so a clone of someone's public recordings scores
// like (or above) that person on stats/1 (measured 0.978 vs 0.93 genuine).
// Consent therefore also requires this encoder's cosine, which the fit never
// sees and cannot move cheaply: the clone keeps its flite base voice's
// excitation, durations and contour shape. Measurements in README.md.
//
// On its own it is a weaker speaker model than stats/1 (see the README's
// EER); it is a second opinion, never the only one.
#pragma once

#include <vector>

#include "voice/speaker_encoder.h"

namespace vox::voice {

class SourceSpeakerEncoder final : public SpeakerEncoder {
 public:
  std::string name() const override { return "source"; }
  std::string version() const override { return "1"; }
  int dim() const override;

  Result<Embedding> Embed(const audio::PcmBuffer& pcm) override;

  // The standardized, clipped, L2-normalized vector from raw SourceFeatures().
  Embedding EmbedRaw(const std::vector<double>& raw) const;
};

}  // namespace vox::voice
