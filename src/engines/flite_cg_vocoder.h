// The hook between clustergen's parameter prediction and its MLSA vocoder,
// where voice conversion edits the parameter track.
//
// Flite's cg_synth() runs prediction, MLPG smoothing and vocoding in one
// function whose steps are static. Our copy of libflite.a has the one call in
// cst_cg.o to mlsa_resynthesis() renamed to vox_flite_cg_vocode() (see
// CMakeLists.txt), defined in flite_cg_vocoder.cc: with no edit in scope it
// forwards the call untouched (plain synthesis stays bit-exact); with one, it
// vocodes an edited copy of the smoothed track (F0 mapping, mel-cepstral bias)
// through a copy of the voice's model header with the all-pass constant and
// gain changed. The shared voice is never written.
//
// The edit is passed in a thread-local because flite's call chain carries no
// user pointer; utt_synth() runs entirely on the calling thread, so a scope
// around it on that thread is exactly one utterance.
#pragma once

#include <span>
#include <vector>

#include "engines/voice_conversion.h"

namespace vox::engines::internal {

struct CgVocodeEdit {
  const VoiceConversion* conversion = nullptr;  // validated by the caller
  double pitch = 1.0;                           // SynthesisParams::pitch, applied after the mapping
};

// Puts `edit` in force for clustergen vocoding on this thread until destroyed.
class ScopedCgVocodeEdit {
 public:
  explicit ScopedCgVocodeEdit(const CgVocodeEdit& edit);
  ~ScopedCgVocodeEdit();
  ScopedCgVocodeEdit(const ScopedCgVocodeEdit&) = delete;
  ScopedCgVocodeEdit& operator=(const ScopedCgVocodeEdit&) = delete;

 private:
  const CgVocodeEdit* previous_;
};

// The all-pass constant equivalent to warping with `alpha`, then with `warp`.
double ComposeAllPass(double alpha, double warp);

// The log-amplitude change (nepers) that a mel-cepstral bias on c1..cN makes at
// each of `omegas` (radians, 0..pi) under all-pass constant `alpha`:
// sum_m bias[m-1] * cos(m * warped(omega)).
std::vector<double> BiasLogAmplitude(std::span<const double> bias, double alpha,
                                     std::span<const double> omegas);

// Gain that keeps the vocoder's output power when `bias` is added: the inverse
// RMS amplitude of the bias filter averaged over warped frequency (<= 1).
double BiasGainCompensation(std::span<const double> bias);

}  // namespace vox::engines::internal
