// A speaker encoder from statistics of DSP features: no model, no training
// beyond a fixed standardization fitted once on a background set.
//
// The raw vector (see RawFeatureNames()) summarizes what differs between
// speakers: the average spectral envelope and its variability (MFCC means and
// standard deviations, c0 excluded so level does not matter), how fast it moves
// (delta-MFCC spread), and pitch level and range (log-F0 mean and spread). Each
// dimension is centred on the background mean and divided by its pooled
// within-speaker spread (background_stats.h), groups are weighted so no group
// dominates by dimension count alone, and the result is L2-normalized.
//
// Vocal-tract size is deliberately not a dimension: the MFCC means already
// carry the envelope, and adding the formant scale (or labelled F1..F4) made
// the evaluation EER worse (3.9% -> 6.8% and no gain, respectively), because a
// single dimension with tiny within-speaker spread dominates the vector.
//
// What it cannot do: separate speakers with similar timbre and pitch (siblings,
// one TTS model's voices), or stay stable across very different channels
// (phone vs studio), since the spectral statistics include the channel.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "voice/background_stats.h"
#include "voice/speaker_encoder.h"
#include "voice/speech_analysis.h"

namespace vox::voice {

class StatsSpeakerEncoder final : public SpeakerEncoder {
 public:
  static constexpr int kNumCepstra = 19;  // c1..c19
  static constexpr int kRawDim = 3 * kNumCepstra + 2;

  // Uses the shipped background statistics.
  StatsSpeakerEncoder();
  // Uses other statistics (fitting new ones, tests). Errors (invalid_argument,
  // field "background_stats") unless mean and stddev have kRawDim finite
  // entries and every stddev is positive.
  static Result<StatsSpeakerEncoder> WithStats(BackgroundStats stats);

  std::string name() const override { return "stats"; }
  std::string version() const override { return "1"; }
  int dim() const override { return kRawDim; }

  Result<Embedding> Embed(const audio::PcmBuffer& pcm) override;
  // Embeds an analysis already made, so one AnalyzeSpeech() can feed both
  // this and ProfileFromAnalysis().
  Embedding EmbedAnalysis(const SpeechAnalysis& analysis) const;

  // The unnormalized statistics; NaN where a feature could not be measured
  // (log-F0 with fewer than 10 voiced frames), which standardization maps to
  // the background mean.
  static std::vector<double> RawFeatures(const SpeechAnalysis& analysis);
  // `e` (a stats/1 embedding) with its log-F0 group zeroed and renormalized: the comparison
  // protected voices also make, so that a recording whose F0 alone was moved (a clone's
  // `pitch`, PSOLA) still matches. nullopt for another encoder's embedding or one that is
  // all pitch.
  static std::optional<Embedding> WithoutPitch(const Embedding& e);
  static std::vector<std::string> RawFeatureNames();

 private:
  struct Trusted {};
  StatsSpeakerEncoder(Trusted, BackgroundStats stats) : stats_(std::move(stats)) {}

  BackgroundStats stats_;
};

}  // namespace vox::voice
