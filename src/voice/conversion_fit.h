// Fitting a parameter-level voice conversion (engines/voice_conversion.h):
// which flite clustergen voice to start from, and how to map it toward a
// target speaker's voice profile.
//
// For each candidate base voice (slt, rms, awb):
//  1. From the base voice's statistics (a fixed reference passage synthesized
//     once per process, cached) and the target profile, an initial conversion:
//     log-F0 mean/spread mapped, frequency warp from the formant-scale ratio.
//     The formant-scale ratio is taken between two long recordings and never
//     from a trial at the target's pitch (the estimate can jump with F0).
//     When there is a warp, a trial of the warp alone at the base voice's own
//     pitch measures the scale it really achieves, and corrects it once.
//  2. A trial: a short passage synthesized through that conversion and
//     analysed like the target. What is still off is corrected: the F0
//     median, and the mean envelope, whose difference becomes the
//     mel-cepstral bias (a least-squares fit on the warped frequency axis).
//  3. A second trial of the corrected conversion; its speaker-embedding cosine
//     to the target speech, less a penalty for the size of the pitch shift and
//     warp, is the candidate's score.
// The best-scoring candidate is then checked on fresh text against its own
// base voice (conversion_guard.h): if it is not more similar to the target, or
// (with a transcriber) less intelligible beyond a bound, the fit falls back to
// the same base without the warp, then to pitch alone, then to the base voice
// unchanged. Every value is clipped to the bounds VoiceConversion::Validate()
// enforces.
#pragma once

#include <string>
#include <vector>

#include "asr/transcriber.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "engines/conversion_engine.h"
#include "engines/voice_conversion.h"
#include "voice/conversion_guard.h"
#include "voice/voice_profile.h"

namespace vox::voice {

struct ConversionFitOptions {
  // Candidates, VoiceInfo ids among VoiceConversion::kBaseVoices; all three by default.
  std::vector<std::string> base_voices = {"flite-slt", "flite-rms", "flite-awb"};
  int bias_order = 16;  // mel-cepstral bias coefficients c1..cN fitted (<= 24)
  // Ridge penalty on the bias: smaller matches the envelope harder (higher
  // similarity) at some cost in intelligibility; 0.1 measured the best trade
  // (bench/clone_bench.cc: 0.02 / 0.1 / 0.5).
  double bias_ridge = 0.1;
  double max_bias_hz = 7000.0;  // fit the envelope below this (and below the target's Nyquist)
  // Candidates are ranked by embedding cosine minus this times the size of the
  // transformation (|log F0 ratio| + |log formant ratio|): a big pitch shift or
  // warp costs intelligibility that the embedding does not see, so when two
  // bases score alike the nearer one wins.
  double transform_penalty = 0.15;
  GuardOptions guard;  // when a fitted conversion is accepted

  Status Validate() const;  // invalid_argument naming "options.<name>"
};

struct ConversionCandidate {
  std::string base_voice;
  double similarity = 0.0;    // speaker-embedding cosine, converted trial vs target speech
  double score = 0.0;         // similarity minus the transformation penalty (ranked on)
  double f0_median_hz = 0.0;  // of the converted trial
  double formant_scale = 0.0;
};

struct ConversionFitReport {
  std::vector<ConversionCandidate> candidates;  // in options.base_voices order
  // Which conversion was accepted and why, with the chosen base voice's own
  // cosine and WER on the guard passage (guard.base_similarity, base_wer).
  GuardReport guard;
};

// Fits a conversion toward `target` (the profile of `target_speech`, which is
// also embedded to score the candidates). `transcriber` (may be null: no
// intelligibility check) judges the guard's trial syntheses. Takes about a
// second per candidate, plus the analysis of `target_speech` and the guard
// (a second or two per rung tried with a transcriber) on one core. Thread-safe.
// Errors: invalid_argument ("options.<name>"; "profile" when the target has no
// voiced speech; "audio" from analysing `target_speech`), and the engine's.
Result<engines::VoiceConversion> FitConversion(const VoiceProfile& target,
                                               const audio::PcmBuffer& target_speech,
                                               engines::VoiceConversionEngine& flite,
                                               const ConversionFitOptions& options = {},
                                               ConversionFitReport* report = nullptr,
                                               asr::Transcriber* transcriber = nullptr);

// Statistics of a base voice measured on the fixed reference passage; computed
// once per process and voice (thread-safe), then shared.
struct BaseVoiceStats {
  VoiceProfile profile;
  double log_f0_mean = 0.0;          // robust: log of the median
  double log_f0_std = 0.0;           // robust: from the 5..95% range
  double trial_formant_scale = 0.0;  // unconverted, on TrialPassage(): calibrates the warp
};
Result<BaseVoiceStats> BaseStats(engines::VoiceConversionEngine& flite,
                                 const std::string& voice_id);

// The reference passage the base statistics come from, and the shorter trial
// passage conversions are scored on.
const std::vector<std::string>& ReferencePassage();
const std::vector<std::string>& TrialPassage();

// Synthesizes `sentences` one by one with `voice_id` (and `conversion`, may be
// null) at the request `pitch` factor, and concatenates them.
Result<audio::PcmBuffer> SynthesizePassage(
    engines::VoiceConversionEngine& flite, const std::string& voice_id,
    const std::vector<std::string>& sentences,
    std::shared_ptr<const engines::VoiceConversion> conversion, double pitch = 1.0);

}  // namespace vox::voice
