#include "voice/conversion_fit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>

#include "voice/conversion_guard.h"
#include "voice/speaker_encoder.h"
#include "voice/speech_analysis.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::voice {
namespace {

using engines::VoiceConversion;

// 5th..95th percentile of a normal distribution spans 2 * 1.645 standard deviations.
constexpr double kPercentileSpanInStd = 3.29;
// Power dB = 20 log10(amplitude), so amplitude nepers = dB * ln(10) / 20.
constexpr double kNepersPerDb = std::numbers::ln10 / 20.0;
// The most the warp-alone trial may correct the formant scale by (see FitCandidate).
constexpr double kMaxWarpCorrection = 1.1;

double RobustLogF0Std(const VoiceProfile& p) {
  if (!(p.f0_p5_hz > 0.0 && p.f0_p95_hz > p.f0_p5_hz)) return 0.1;
  return std::log(p.f0_p95_hz / p.f0_p5_hz) / kPercentileSpanInStd;
}

// Low-frequency formant scale of an all-pass warp a is (1 - a) / (1 + a); the map is
// its own inverse, so this also gives the warp for a scale.
double WarpForScale(double scale) { return (1.0 - scale) / (1.0 + scale); }
double ComposeAllPass(double a, double b) { return (a + b) / (1.0 + a * b); }
double WarpedFrequency(double omega, double alpha) {
  return omega + 2.0 * std::atan(alpha * std::sin(omega) / (1.0 - alpha * std::cos(omega)));
}

double ClampWarp(double w) {
  const double limit = 0.95 * VoiceConversion::kMaxFrequencyWarp;
  return std::clamp(w, -limit, limit);
}

void ClampF0(VoiceConversion& c) {
  // Inside the bounds with a margin, so that the result always validates.
  c.target_log_f0_mean = std::clamp(c.target_log_f0_mean, VoiceConversion::kMinLogF0 + 0.01,
                                    VoiceConversion::kMaxLogF0 - 0.01);
  c.source_log_f0_std = std::clamp(c.source_log_f0_std, 0.02, 0.8);
  const double ratio_limit = 0.95 * VoiceConversion::kMaxStdRatio;
  c.target_log_f0_std = std::clamp(c.target_log_f0_std, c.source_log_f0_std / ratio_limit,
                                   c.source_log_f0_std * ratio_limit);
  c.target_log_f0_std = std::clamp(c.target_log_f0_std, 0.02, 0.8);
}

// Solves the small symmetric positive definite system a x = b in place (Gaussian
// elimination with partial pivoting; n <= 25).
std::vector<double> Solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    if (std::abs(a[col][col]) < 1e-12) return std::vector<double>(n, 0.0);
    for (size_t r = col + 1; r < n; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t k = col; k < n; ++k) a[r][k] -= f * a[col][k];
      b[r] -= f * b[col];
    }
  }
  std::vector<double> x(n, 0.0);
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < n; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return x;
}

// The mel-cepstral bias (c1..cN) whose log-amplitude change best matches
// `diff_db` (power dB at `band_hz`), within [low_hz, high_hz], on the warped
// axis of all-pass constant `alpha` at `rate`. A free constant absorbs level.
std::vector<double> FitBias(const std::vector<double>& diff_db, const std::vector<double>& band_hz,
                            double low_hz, double high_hz, double alpha, int rate,
                            const ConversionFitOptions& options) {
  const int n = options.bias_order + 1;
  std::vector<std::vector<double>> ata(n, std::vector<double>(n, 0.0));
  std::vector<double> aty(n, 0.0);
  int used = 0;
  for (size_t k = 0; k < diff_db.size() && k < band_hz.size(); ++k) {
    if (band_hz[k] < low_hz || band_hz[k] > high_hz) continue;
    const double beta = WarpedFrequency(2.0 * std::numbers::pi * band_hz[k] / rate, alpha);
    const double y = diff_db[k] * kNepersPerDb;
    std::vector<double> row(n);
    for (int m = 0; m < n; ++m) row[m] = std::cos(m * beta);
    for (int i = 0; i < n; ++i) {
      aty[i] += row[i] * y;
      for (int j = 0; j < n; ++j) ata[i][j] += row[i] * row[j];
    }
    ++used;
  }
  if (used < 4) return {};
  for (int m = 1; m < n; ++m) ata[m][m] += options.bias_ridge * used * (1.0 + 0.05 * m * m);
  std::vector<double> x = Solve(std::move(ata), std::move(aty));
  std::vector<double> bias(x.begin() + 1, x.end());
  // Into the validated bounds, with a margin.
  const double coef_limit = 0.95 * VoiceConversion::kMaxBiasCoefficient;
  double l1 = 0.0;
  for (double& b : bias) {
    if (!std::isfinite(b)) b = 0.0;
    b = std::clamp(b, -coef_limit, coef_limit);
    l1 += std::abs(b);
  }
  const double l1_limit = 0.95 * VoiceConversion::kMaxBiasL1;
  if (l1 > l1_limit) {
    for (double& b : bias) b *= l1_limit / l1;
  }
  return bias;
}

struct Trial {
  VoiceProfile profile;
  Embedding embedding;
};

Result<Trial> RunTrial(engines::VoiceConversionEngine& flite, const VoiceConversion& conversion,
                       const StatsSpeakerEncoder& encoder) {
  VOX_ASSIGN_OR_RETURN(auto pcm,
                       SynthesizePassage(flite, conversion.base_voice, TrialPassage(),
                                         std::make_shared<const VoiceConversion>(conversion)));
  VOX_ASSIGN_OR_RETURN(auto analysis, AnalyzeSpeech(pcm));
  return Trial{ProfileFromAnalysis(analysis), encoder.EmbedAnalysis(analysis)};
}

}  // namespace

Status ConversionFitOptions::Validate() const {
  if (base_voices.empty()) {
    return InvalidArgument("at least one base voice is needed", "options.base_voices");
  }
  for (const std::string& v : base_voices) {
    if (!engines::IsConversionBaseVoice(v)) {
      return InvalidArgument(fmt::format("'{}' is not a clustergen base voice", v),
                             "options.base_voices");
    }
  }
  if (bias_order < 0 || bias_order > VoiceConversion::kMaxBiasCoefficients) {
    return InvalidArgument(
        fmt::format("bias_order must be 0..{}", VoiceConversion::kMaxBiasCoefficients),
        "options.bias_order");
  }
  if (!(bias_ridge > 0.0 && bias_ridge < 100.0)) {
    return InvalidArgument("bias_ridge must be in (0, 100)", "options.bias_ridge");
  }
  if (!(transform_penalty >= 0.0 && transform_penalty <= 10.0)) {
    return InvalidArgument("transform_penalty must be in 0..10", "options.transform_penalty");
  }
  if (!(max_bias_hz >= 1000.0 && max_bias_hz <= 8000.0)) {
    return InvalidArgument("max_bias_hz must be in 1000..8000", "options.max_bias_hz");
  }
  return guard.Validate();
}

const std::vector<std::string>& ReferencePassage() {
  // Harvard sentences, list 10 (IEEE 1969, public domain).
  static const std::vector<std::string> kSentences = {
      "The sky that morning was clear and bright blue.",
      "A wisp of cloud hung in the blue air.",
      "A pound of sugar costs more than eggs.",
      "The fin was sharp and cut the clear water.",
      "The play seems dull and quite stupid.",
      "Bail the boat to stop it from sinking.",
      "The term ended in late June that year.",
      "A tusk is used to make costly gifts.",
      "Ten pins were set in order.",
      "The bill was paid every third week.",
  };
  return kSentences;
}

const std::vector<std::string>& TrialPassage() {
  // Harvard sentences, list 11.
  static const std::vector<std::string> kSentences = {
      "Oak is strong and also gives shade.",
      "Cats and dogs each hate the other.",
      "Open the crate but don't break the glass.",
      "The ripe taste of cheese improves with age.",
  };
  return kSentences;
}

Result<audio::PcmBuffer> SynthesizePassage(
    engines::VoiceConversionEngine& flite, const std::string& voice_id,
    const std::vector<std::string>& sentences,
    std::shared_ptr<const engines::VoiceConversion> conversion, double pitch) {
  const engines::VoiceInfo* voice = nullptr;
  for (const engines::VoiceInfo& v : flite.voices()) {
    if (v.id == voice_id) voice = &v;
  }
  if (voice == nullptr) return NotFound(fmt::format("flite has no voice '{}'", voice_id), "voice");
  engines::SynthesisParams params;
  params.conversion = std::move(conversion);
  params.pitch = pitch;
  audio::PcmBuffer all;
  all.sample_rate = voice->sample_rate;
  for (const std::string& s : sentences) {
    VOX_ASSIGN_OR_RETURN(auto pcm, flite.Synthesize(s, *voice, params));
    all.samples.insert(all.samples.end(), pcm.samples.begin(), pcm.samples.end());
  }
  return all;
}

Result<BaseVoiceStats> BaseStats(engines::VoiceConversionEngine& flite,
                                 const std::string& voice_id) {
  // Flite output is a pure function of text and voice, so one cache serves every
  // engine instance. Computing under the lock makes concurrent first callers wait
  // for one computation instead of repeating it.
  static std::mutex mu;
  static std::map<std::string, BaseVoiceStats> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(voice_id); it != cache.end()) return it->second;
  VOX_ASSIGN_OR_RETURN(auto pcm, SynthesizePassage(flite, voice_id, ReferencePassage(), nullptr));
  VOX_ASSIGN_OR_RETURN(auto profile, AnalyzeVoice(pcm));
  if (!(profile.f0_median_hz > 0.0)) {
    return Internal(fmt::format("base voice '{}' measured no voiced speech", voice_id));
  }
  BaseVoiceStats stats;
  VOX_ASSIGN_OR_RETURN(auto trial_pcm, SynthesizePassage(flite, voice_id, TrialPassage(), nullptr));
  VOX_ASSIGN_OR_RETURN(auto trial_profile, AnalyzeVoice(trial_pcm));
  stats.trial_formant_scale = trial_profile.formant_scale;
  stats.log_f0_mean = std::log(profile.f0_median_hz);
  stats.log_f0_std = RobustLogF0Std(profile);
  stats.profile = std::move(profile);
  cache.emplace(voice_id, stats);
  return stats;
}

namespace {

struct Fitted {
  VoiceConversion conversion;
  ConversionCandidate candidate;
};

// One base voice: initial mapping, a trial, corrections, a second trial to
// score. `warp` false keeps the frequency warp at 0 (the guard's "no_warp").
Result<Fitted> FitCandidate(const VoiceProfile& target, const Embedding& target_embedding,
                            int target_rate, const std::string& base_voice, bool warp,
                            engines::VoiceConversionEngine& flite,
                            const ConversionFitOptions& options) {
  StatsSpeakerEncoder encoder;
  const double target_log_f0 = std::log(target.f0_median_hz);
  const double target_log_std = RobustLogF0Std(target);
  VOX_ASSIGN_OR_RETURN(const BaseVoiceStats base, BaseStats(flite, base_voice));
  const std::optional<double> alpha = flite.MelCepstrumAlpha(base_voice);
  if (!alpha) return Internal(fmt::format("'{}' is not a clustergen voice", base_voice));
  const int rate = 16000;  // the clustergen voices' rate; MelCepstrumAlpha implies one

  VoiceConversion c = VoiceConversion::Identity(base_voice);
  c.source_log_f0_mean = base.log_f0_mean;
  c.source_log_f0_std = base.log_f0_std;
  c.target_log_f0_mean = target_log_f0;
  c.target_log_f0_std = target_log_std;
  ClampF0(c);
  // The vocal-tract ratio compares two long recordings (the target's speech,
  // the base's reference passage). Never a short trial at the target's pitch:
  // the envelope alignment can jump between two optima with F0 (flite slt on
  // the trial passage: scale 1.19 at its own 170 Hz, 0.90 at 204..238 Hz),
  // and a pitch read as a tract gave a -0.15 warp to a target with slt's tract.
  const double wanted_scale = target.formant_scale > 0.0 && base.profile.formant_scale > 0.0
                                  ? target.formant_scale / base.profile.formant_scale
                                  : 1.0;
  if (warp) c.frequency_warp = ClampWarp(WarpForScale(wanted_scale));
  if (c.frequency_warp != 0.0 && base.trial_formant_scale > 0.0) {
    // The all-pass warp is only approximately a uniform scale: measure what it
    // does at the base voice's own pitch (F0 untouched, so the comparison with
    // the unconverted trial passage sees the tract only) and correct once.
    VoiceConversion warp_only = VoiceConversion::Identity(base_voice);
    warp_only.frequency_warp = c.frequency_warp;
    VOX_ASSIGN_OR_RETURN(const Trial calibration, RunTrial(flite, warp_only, encoder));
    // A correction beyond 10% is the estimate jumping on the short passage,
    // not the warp's error (measured: it sent a -10% target to the +0.19 limit).
    const double correction =
        calibration.profile.formant_scale > 0.0
            ? wanted_scale * base.trial_formant_scale / calibration.profile.formant_scale
            : 1.0;
    if (std::abs(std::log(correction)) <= std::log(kMaxWarpCorrection)) {
      c.frequency_warp = ClampWarp(ComposeAllPass(c.frequency_warp, WarpForScale(correction)));
    }
  }

  // First trial: correct the pitch and the envelope it left over (both are
  // compared at the target's pitch, where they belong).
  VOX_ASSIGN_OR_RETURN(const Trial first, RunTrial(flite, c, encoder));
  if (first.profile.f0_median_hz > 0.0) {
    c.target_log_f0_mean += target_log_f0 - std::log(first.profile.f0_median_hz);
    const double measured_std = RobustLogF0Std(first.profile);
    if (measured_std > 0.0) c.target_log_f0_std *= target_log_std / measured_std;
    ClampF0(c);
  }
  if (options.bias_order > 0 && first.profile.envelope_db.size() == target.envelope_db.size()) {
    std::vector<double> diff(target.envelope_db.size());
    for (size_t k = 0; k < diff.size(); ++k) {
      diff[k] = target.envelope_db[k] - first.profile.envelope_db[k];
    }
    // Nothing to match above what the target recording could hold.
    const double high_hz = std::min(options.max_bias_hz, 0.45 * std::min(target_rate, rate));
    c.mcep_bias = FitBias(diff, target.envelope_band_hz, 100.0, high_hz,
                          ComposeAllPass(*alpha, c.frequency_warp), rate, options);
  }
  VOX_RETURN_IF_ERROR(c.Validate());

  // Second trial: the score.
  VOX_ASSIGN_OR_RETURN(const Trial second, RunTrial(flite, c, encoder));
  VOX_ASSIGN_OR_RETURN(const double similarity,
                       CosineSimilarity(second.embedding, target_embedding));
  const double transform = std::abs(c.target_log_f0_mean - c.source_log_f0_mean) +
                           std::abs(std::log(WarpForScale(c.frequency_warp)));
  return Fitted{c,
                {base_voice, similarity, similarity - options.transform_penalty * transform,
                 second.profile.f0_median_hz, second.profile.formant_scale}};
}

// The F0 mapping of `c` alone (no warp, no envelope bias).
VoiceConversion PitchOnly(const VoiceConversion& c) {
  VoiceConversion p = VoiceConversion::Identity(c.base_voice);
  p.source_log_f0_mean = c.source_log_f0_mean;
  p.source_log_f0_std = c.source_log_f0_std;
  p.target_log_f0_mean = c.target_log_f0_mean;
  p.target_log_f0_std = c.target_log_f0_std;
  return p;
}

}  // namespace

Result<engines::VoiceConversion> FitConversion(const VoiceProfile& target,
                                               const audio::PcmBuffer& target_speech,
                                               engines::VoiceConversionEngine& flite,
                                               const ConversionFitOptions& options,
                                               ConversionFitReport* report,
                                               asr::Transcriber* transcriber) {
  VOX_RETURN_IF_ERROR(options.Validate());
  if (!(target.f0_median_hz > 0.0)) {
    return InvalidArgument("the target voice has no voiced speech to map pitch to", "profile");
  }
  if (target.envelope_db.empty() || target.envelope_db.size() != target.envelope_band_hz.size()) {
    return InvalidArgument("the target profile has no spectral envelope", "profile.envelope_db");
  }
  StatsSpeakerEncoder encoder;
  VOX_ASSIGN_OR_RETURN(const Embedding target_embedding, encoder.Embed(target_speech));

  ConversionFitReport local_report;
  std::optional<Fitted> best;
  for (const std::string& base_voice : options.base_voices) {
    VOX_ASSIGN_OR_RETURN(
        Fitted fitted, FitCandidate(target, target_embedding, target_speech.sample_rate, base_voice,
                                    /*warp=*/true, flite, options));
    local_report.candidates.push_back(fitted.candidate);
    if (!best || fitted.candidate.score > best->candidate.score) best = std::move(fitted);
  }

  // Check the winner on fresh text, falling back to ever safer conversions.
  const VoiceConversion& full = best->conversion;
  std::vector<GuardRung> rungs = {{"full", [&] { return Result<VoiceConversion>(full); }}};
  if (full.frequency_warp != 0.0) {
    rungs.push_back({"no_warp", [&]() -> Result<VoiceConversion> {
                       VOX_ASSIGN_OR_RETURN(Fitted f,
                                            FitCandidate(target, target_embedding,
                                                         target_speech.sample_rate, full.base_voice,
                                                         /*warp=*/false, flite, options));
                       return f.conversion;
                     }});
  }
  rungs.push_back({"pitch_only", [&] { return Result<VoiceConversion>(PitchOnly(full)); }});
  VOX_ASSIGN_OR_RETURN(VoiceConversion chosen,
                       GuardConversion(full.base_voice, rungs, target_embedding, flite, transcriber,
                                       options.guard, local_report.guard));
  if (report != nullptr) *report = std::move(local_report);
  return chosen;
}

}  // namespace vox::voice
