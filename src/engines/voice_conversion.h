// VoiceConversion: how to turn a base Flite clustergen voice into a cloned
// voice at the parameter level, before vocoding (see VOICE_CONVERSION.md).
//
// Three edits of the base voice's parameter track, in this order:
//  1. F0: mean-variance mapping in the log domain on voiced frames,
//     log f' = target_mean + (target_std / source_std) * (log f - source_mean).
//  2. Vocal-tract length: all-pass frequency warping of the mel-cepstrum. A warp
//     a composes with the voice's own all-pass constant (MLSA alpha) into
//     (alpha + a) / (1 + alpha * a); at low frequencies this scales every formant
//     by about (1 - a) / (1 + a): a < 0 raises formants (a shorter tract).
//  3. Mean envelope correction: a bias added to mel-cepstral coefficients c1..cN
//     (c0, the level, is left alone; the vocoder keeps the overall power).
//
// The struct is plain data, stored as JSON with a cloned voice. Every value is
// bounded (the k* constants) so that a hostile or corrupted stored JSON can
// neither make the MLSA filter unstable nor ask for absurd pitches: FromJson and
// Validate reject anything outside, and the engine validates again before use.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::engines {

struct VoiceConversion {
  static constexpr int kVersion = 1;

  // F0 statistics are natural logs of Hz: ln(50) = 3.91 .. ln(600) = 6.40.
  static constexpr double kMinLogF0 = 3.9, kMaxLogF0 = 6.4;
  static constexpr double kMinLogF0Std = 0.01, kMaxLogF0Std = 1.0;
  static constexpr double kMaxStdRatio = 3.0;  // target_std / source_std in [1/3, 3]
  // Output F0 is clamped here whatever the mapping says.
  static constexpr double kMinF0Hz = 50.0, kMaxF0Hz = 600.0;
  // |a| <= 0.2: formants scaled by 0.67 .. 1.5, beyond any adult speaker pair.
  static constexpr double kMaxFrequencyWarp = 0.2;
  // Bias on c1..c24 (natural-log amplitude units, i.e. nepers): each coefficient
  // and the sum of magnitudes are bounded, so the correction can change the log
  // envelope by at most kMaxBiasL1 nepers (10.4 dB) at any frequency.
  static constexpr int kMaxBiasCoefficients = 24;
  static constexpr double kMaxBiasCoefficient = 0.6;
  static constexpr double kMaxBiasL1 = 1.2;

  // The names of the base voices a conversion may start from.
  static constexpr std::array<const char*, 3> kBaseVoices = {"flite-slt", "flite-rms",
                                                             "flite-awb"};

  int version = kVersion;
  std::string base_voice = "flite-slt";  // a VoiceInfo id from kBaseVoices

  double source_log_f0_mean = 5.0;  // the base voice's log-F0 statistics
  double source_log_f0_std = 0.15;
  double target_log_f0_mean = 5.0;  // the cloned speaker's
  double target_log_f0_std = 0.15;

  double frequency_warp = 0.0;  // all-pass constant composed with the voice's alpha

  std::vector<double> mcep_bias;  // added to c1, c2, ... (at most kMaxBiasCoefficients)

  // The identity on `base_voice`: vocodes exactly what the base voice would.
  static VoiceConversion Identity(std::string base_voice);

  // F0 in Hz after the mapping (clamped to [kMinF0Hz, kMaxF0Hz]); 0 stays 0 (unvoiced).
  double MapF0(double f0_hz) const;

  // Checks every bound above. Errors: invalid_argument, field "conversion.<name>".
  Status Validate() const;

  nlohmann::json ToJson() const;
  // Strict: every field present with the right type, no unknown fields, a known
  // version, values within bounds. Errors: invalid_argument, field
  // "conversion" (not an object) or "conversion.<name>".
  static Result<VoiceConversion> FromJson(const nlohmann::json& json);
};

// Whether `voice_id` is one of VoiceConversion::kBaseVoices.
bool IsConversionBaseVoice(std::string_view voice_id);

}  // namespace vox::engines
