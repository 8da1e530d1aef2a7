// Formants and vocal-tract size.
//
// Vocal-tract length (VTL) is the most stable physical trait behind a voice's
// timbre: a longer tract puts every resonance lower by the same factor. We
// estimate that factor, the formant scale, by aligning the speaker's long-term
// spectral envelope (the power average of the voiced frames' LPC envelopes, on
// a log-frequency axis where scaling is a shift) with the envelope of a uniform tube of
// kReferenceVocalTractCm closed at the glottis (resonances at (2i - 1) c / 4L:
// 500, 1500, 2500 ... Hz). The alignment uses the whole envelope, so it does
// not depend on labelling individual formants, which fails whenever two merge
// or a spurious pole appears (measured on flite's rms: labelled F1..F4 gave a
// male voice 1.04-1.27 depending on settings and moved the wrong way under a
// -15% shift; the envelope alignment gives 0.96 and recovers shifts of
// -15%/+15%/+20% as 0.865/1.185/1.23, and an F0-only shift as 1.00).
//
// It needs speech, not a few vowels: the average over a language's vowels is
// what approaches the neutral tube.
//
// Scale 1.0 is the 17.5 cm adult-male reference; adult women measure about
// 1.1-1.25, children higher. Labelled median formants are kept as descriptive
// numbers for the profile only.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "common/status.h"

namespace vox::voice {

inline constexpr double kSpeedOfSoundCmPerS = 35000.0;  // warm, humid air in the vocal tract
inline constexpr double kReferenceVocalTractCm = 17.5;  // adult male reference

struct FormantConfig {
  int window = 400;       // samples (25 ms at 16 kHz), Hamming
  int lpc_order = 18;     // sample_rate / 1000 + 2 at 16 kHz
  int frame_stride = 2;   // analyse every n-th selected frame: the tract moves slowly
  double min_hz = 150.0;  // formant candidates (labelled formants only)
  double max_hz = 5500.0;
  double max_bandwidth_hz = 500.0;
  double match_low_hz = 300.0;    // envelope alignment band: above F0, ...
  double match_high_hz = 5000.0;  // ... and below where the upper formants thin out

  Status Validate(int sample_rate) const;  // names the bad field
};

struct FormantEstimate {
  std::array<double, 4> median_hz{};  // labelled F1..F4 medians; 0 when never found
  int frames_used = 0;                // voiced frames analysed
  double formant_scale = 0.0;         // envelope alignment vs the reference tube; 0 = unknown
  double vocal_tract_cm = 0.0;        // kReferenceVocalTractCm / formant_scale; 0 = unknown

  bool known() const { return formant_scale > 0.0; }
};

// Formant candidates (Hz, ascending) of one frame from its LPC poles; empty
// when LPC fails.
std::vector<double> FrameFormants(std::span<const float> frame, int sample_rate,
                                  const FormantConfig& config = {});

// Uniform-tube least-squares fit of four formants: L = c / (2 * dispersion)
// with F_i = (2i - 1) * dispersion / 2. Returns 0 if any formant is 0.
double VocalTractLengthCm(const std::array<double, 4>& formants_hz);

// The log-frequency grid envelopes live on: kEnvelopeBinsPerOctave points per
// octave from kEnvelopeLowHz.
inline constexpr double kEnvelopeLowHz = 150.0;
inline constexpr int kEnvelopeBinsPerOctave = 48;
inline constexpr int kEnvelopeBins = 269;  // 150 Hz .. 7.2 kHz
double EnvelopeBinHz(int bin);

// Envelope (dB, arbitrary offset) of an all-pole filter with resonances at
// `formants_hz` and `bandwidths_hz`, on the envelope grid. The reference is
// this with the uniform tube's resonances.
std::vector<double> AllPoleEnvelopeDb(std::span<const double> formants_hz,
                                      std::span<const double> bandwidths_hz, int sample_rate);

// The factor alpha that best maps the reference tube's envelope onto
// `envelope_db` (kEnvelopeBins values): envelope(f) ~ reference(f / alpha),
// searched over 0.7..1.7 with sub-bin refinement, matching within
// [low_hz, high_hz]. 0 when the envelope is flat or the band is too narrow.
double EnvelopeScale(std::span<const double> envelope_db, double low_hz, double high_hz);

// Analyses frames t (starting at t * hop) where mask[t] is true (use voiced
// speech frames). `source_rate` is the recording's original sample rate: the
// alignment band stops below its Nyquist frequency (telephone audio has
// nothing above 3.4 kHz to align).
Result<FormantEstimate> EstimateFormants(std::span<const float> samples, int sample_rate, int hop,
                                         const std::vector<bool>& mask, int source_rate,
                                         const FormantConfig& config = {});

}  // namespace vox::voice
