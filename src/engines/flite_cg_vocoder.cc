// Modified use of CMU Flite: the clustergen vocoding call is intercepted here
// (see flite_cg_vocoder.h); flite's own mlsa_resynthesis() does the vocoding.
#include "engines/flite_cg_vocoder.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

extern "C" {
#include <flite/cst_cg.h>
#include <flite/cst_track.h>
}

namespace vox::engines::internal {
namespace {

thread_local const CgVocodeEdit* t_edit = nullptr;

struct TrackDeleter {
  void operator()(cst_track* t) const { delete_track(t); }
};

double WarpedFrequency(double omega, double alpha) {
  return omega + 2.0 * std::atan(alpha * std::sin(omega) / (1.0 - alpha * std::cos(omega)));
}

// The edited copy of the smoothed track: channel 0 is F0 (0 = unvoiced), channel
// 1 + m is mel-cepstral coefficient c_m.
std::unique_ptr<cst_track, TrackDeleter> EditTrack(const cst_track& in, const CgVocodeEdit& edit) {
  std::unique_ptr<cst_track, TrackDeleter> out(cst_track_copy(&in));
  const VoiceConversion& c = *edit.conversion;
  const int bias_count =
      std::min(static_cast<int>(c.mcep_bias.size()), std::max(0, out->num_channels - 2));
  for (int i = 0; i < out->num_frames; ++i) {
    float* frame = out->frames[i];
    if (frame[0] > 0.0f) {
      const double f0 = c.MapF0(frame[0]) * edit.pitch;
      frame[0] = static_cast<float>(
          std::clamp(f0, VoiceConversion::kMinF0Hz, VoiceConversion::kMaxF0Hz));
    }
    for (int m = 1; m <= bias_count; ++m) frame[1 + m] += static_cast<float>(c.mcep_bias[m - 1]);
  }
  return out;
}

}  // namespace

ScopedCgVocodeEdit::ScopedCgVocodeEdit(const CgVocodeEdit& edit) : previous_(t_edit) {
  t_edit = &edit;
}
ScopedCgVocodeEdit::~ScopedCgVocodeEdit() { t_edit = previous_; }

double ComposeAllPass(double alpha, double warp) { return (alpha + warp) / (1.0 + alpha * warp); }

std::vector<double> BiasLogAmplitude(std::span<const double> bias, double alpha,
                                     std::span<const double> omegas) {
  std::vector<double> out;
  out.reserve(omegas.size());
  for (double omega : omegas) {
    const double beta = WarpedFrequency(omega, alpha);
    double sum = 0.0;
    for (size_t m = 1; m <= bias.size(); ++m) sum += bias[m - 1] * std::cos(m * beta);
    out.push_back(sum);
  }
  return out;
}

double BiasGainCompensation(std::span<const double> bias) {
  if (bias.empty()) return 1.0;
  // Uniform grid over warped frequency: there the bias integrates to 0 (c0 is
  // untouched), and what is left is the power it adds through its ripple.
  constexpr int kPoints = 256;
  double power = 0.0;
  for (int k = 0; k < kPoints; ++k) {
    const double beta = std::numbers::pi * (k + 0.5) / kPoints;
    double sum = 0.0;
    for (size_t m = 1; m <= bias.size(); ++m) sum += bias[m - 1] * std::cos(m * beta);
    power += std::exp(2.0 * sum);
  }
  return 1.0 / std::sqrt(power / kPoints);
}

}  // namespace vox::engines::internal

// Called by flite's cg_resynth() (cst_cg.o, renamed reference) instead of
// mlsa_resynthesis(). `track` is the MLPG-smoothed F0 + mel-cepstrum track.
extern "C" cst_wave* vox_flite_cg_vocode(const cst_track* track, const cst_track* str,
                                         cst_cg_db* cg_db, cst_audio_streaming_info* asi,
                                         int mlsa_speed_param) {
  using namespace vox::engines::internal;
  const CgVocodeEdit* edit = t_edit;
  if (edit == nullptr || edit->conversion == nullptr || track == nullptr || cg_db == nullptr) {
    return mlsa_resynthesis(track, str, cg_db, asi, mlsa_speed_param);
  }
  const vox::engines::VoiceConversion& c = *edit->conversion;
  auto edited = EditTrack(*track, *edit);
  // A per-utterance copy of the model header (a few hundred bytes; the model
  // data it points to stays shared and read-only). freeable = 0: not ours to free.
  cst_cg_db db = *cg_db;
  db.freeable = 0;
  db.mlsa_alpha = static_cast<float>(ComposeAllPass(cg_db->mlsa_alpha, c.frequency_warp));
  const float gain = cg_db->gain != 0.0f ? cg_db->gain : 1.0f;
  db.gain = static_cast<float>(gain * BiasGainCompensation(c.mcep_bias));
  return mlsa_resynthesis(edited.get(), str, &db, asi, mlsa_speed_param);
}
