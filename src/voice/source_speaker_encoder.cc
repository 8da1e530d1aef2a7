#include "voice/source_speaker_encoder.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "voice/features.h"
#include "voice/source_features.h"
#include "voice/speech_analysis.h"

namespace vox::voice {
namespace {

// Background mean and pooled within-speaker standard deviation of each
// SourceFeatures() entry, over the 144 background recordings stats/1 was
// fitted on (18 eSpeak NG speakers x 8 sentences; README.md). Printed by
// `tools/source_eval.py DUMP --print-stats` from voice_dump_speaker_features.
// Changing them changes every embedding: bump version().
constexpr std::array<double, 9> kSourceMean = {0.0213542, 0.0861522, 0.217151, 0.629005, 1.86318,
                                               1.30803,   1.8677,    -2.98448, 0.719135};
constexpr std::array<double, 9> kSourceStd = {0.005703,  0.0125033, 0.0204567, 0.0623431, 0.202468,
                                              0.0648882, 0.0523723, 0.0509061, 0.0165144};
// Clip in within-speaker deviations. The residual features separate
// synthesizers by dozens of deviations; clipping at 4 keeps one of them from
// deciding alone (measured: EER clip 4 / 5 / 6 -> 18.3 / 16.5 / 16.5%, but 4
// widens the gap between a diphone speaker's genuine sentences and its clone).
constexpr double kSourceClip = 4.0;

}  // namespace

int SourceSpeakerEncoder::dim() const { return static_cast<int>(kSourceMean.size()); }

Embedding SourceSpeakerEncoder::EmbedRaw(const std::vector<double>& raw) const {
  Embedding e{id(), std::vector<float>(kSourceMean.size(), 0.0f)};
  double norm_sq = 0.0;
  for (std::size_t i = 0; i < kSourceMean.size() && i < raw.size(); ++i) {
    double z = 0.0;  // unknown features sit at the background mean
    if (std::isfinite(raw[i])) z = (raw[i] - kSourceMean[i]) / kSourceStd[i];
    z = std::clamp(z, -kSourceClip, kSourceClip);
    e.values[i] = static_cast<float>(z);
    norm_sq += z * z;
  }
  if (norm_sq > 0.0) {
    for (float& v : e.values) v = static_cast<float>(v / std::sqrt(norm_sq));
  } else {
    // Exactly the background mean: a fixed unit vector keeps the result valid.
    e.values.assign(kSourceMean.size(), static_cast<float>(1.0 / std::sqrt(double(dim()))));
  }
  return e;
}

Result<Embedding> SourceSpeakerEncoder::Embed(const audio::PcmBuffer& pcm) {
  VOX_ASSIGN_OR_RETURN(const audio::PcmBuffer mono, PrepareAudio(pcm));
  VOX_ASSIGN_OR_RETURN(const SpeechAnalysis analysis, AnalyzeSpeech(mono));
  return EmbedRaw(SourceFeatures(mono, analysis));
}

}  // namespace vox::voice
