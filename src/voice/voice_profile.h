// A voice profile: the interpretable measurements of a voice that voice
// conversion maps toward (pitch level and range, vocal-tract size, average
// spectral envelope, tempo), stored as JSON with the voice.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "voice/speech_analysis.h"

namespace vox::voice {

struct VoiceProfile {
  static constexpr int kVersion = 1;

  // Pitch over voiced speech frames; all 0 when the recording has none.
  double f0_median_hz = 0.0;
  double f0_p5_hz = 0.0;  // range: 5th..95th percentile (robust to octave errors)
  double f0_p95_hz = 0.0;

  // Vocal-tract size (see formants.h); 0 when unknown.
  double formant_scale = 0.0;  // 1.0 = 17.5 cm adult male reference; larger = shorter tract
  double vocal_tract_cm = 0.0;
  std::array<double, 4> formants_hz{};  // median F1..F4

  // Average spectral envelope: mean log-mel power (dB) over voiced speech
  // frames, shifted so its mean over bands is 0 dB (recording level drops out),
  // with the band centres that give its frequency axis.
  std::vector<double> envelope_db;
  std::vector<double> envelope_band_hz;
  // Mean cepstrum c0..c19 over the same frames (the orthonormal DCT of the
  // natural-log mel envelope), convenient for cepstral-domain correction.
  std::vector<double> mean_cepstrum;

  double speaking_rate_sps = 0.0;  // syllables per second of speaking time
  double speech_seconds = 0.0;     // selected speech analysed
  double voiced_fraction = 0.0;    // voiced share of the speech frames

  nlohmann::json ToJson() const;
  // Errors (invalid_argument, field "profile" or "profile.<name>"): missing or
  // mistyped fields, negative or non-finite values, an unknown version,
  // envelope and band arrays of different lengths.
  static Result<VoiceProfile> FromJson(const nlohmann::json& json);
};

// The profile of an analysis already made (shared with the speaker encoder).
VoiceProfile ProfileFromAnalysis(const SpeechAnalysis& analysis);

// Analyses one speaker's recording (any rate and channel count). Errors as
// AnalyzeSpeech: invalid_argument, field "audio", e.g. for silence.
Result<VoiceProfile> AnalyzeVoice(const audio::PcmBuffer& pcm);

}  // namespace vox::voice
