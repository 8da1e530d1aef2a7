#include "voice/stats_speaker_encoder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "voice/mfcc.h"

namespace vox::voice {
namespace {

constexpr int kC = StatsSpeakerEncoder::kNumCepstra;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Standardized values are clipped to +-kClip within-speaker deviations so one
// broken measurement (or a voice far outside the background set) cannot swing
// the whole vector. The EER is sensitive to it on the evaluation corpus
// (clip 4 / 6 / 8 / 20: 6.9 / 5.7 / 4.0 / 6.8%); see README.md.
constexpr double kClip = 8.0;

// Feature groups in raw-vector order, and the share of the embedding's energy
// each gets. Standardized dimensions all have unit variance, so without weights
// a 19-dimensional group would outvote the 2 pitch dimensions ~10:1.
struct Group {
  const char* name;
  int dim;
  double share;
};
constexpr Group kGroups[] = {
    {"mfcc_mean", kC, 1.0},
    {"mfcc_std", kC, 1.0},
    {"delta_mfcc_std", kC, 1.0},
    {"log_f0", 2, 1.0},
};

std::vector<double> GroupWeights() {
  std::vector<double> w;
  for (const Group& g : kGroups) {
    for (int i = 0; i < g.dim; ++i) w.push_back(std::sqrt(g.share / g.dim));
  }
  return w;
}

}  // namespace

StatsSpeakerEncoder::StatsSpeakerEncoder() : stats_(DefaultBackgroundStats()) {}

Result<StatsSpeakerEncoder> StatsSpeakerEncoder::WithStats(BackgroundStats stats) {
  if (stats.mean.size() != kRawDim || stats.stddev.size() != kRawDim) {
    return InvalidArgument("background statistics need " + std::to_string(kRawDim) + " entries",
                           "background_stats");
  }
  for (int i = 0; i < kRawDim; ++i) {
    if (!std::isfinite(stats.mean[i]) || !(stats.stddev[i] > 0.0) ||
        !std::isfinite(stats.stddev[i])) {
      return InvalidArgument(
          "background statistic " + std::to_string(i) + " is not finite or has no spread",
          "background_stats");
    }
  }
  return StatsSpeakerEncoder(Trusted{}, std::move(stats));
}

std::vector<std::string> StatsSpeakerEncoder::RawFeatureNames() {
  std::vector<std::string> names;
  for (const Group& g : kGroups) {
    for (int i = 0; i < g.dim; ++i) {
      const std::string group = g.name;
      if (group == "log_f0") {
        names.push_back(i == 0 ? "log_f0_mean" : "log_f0_std");
      } else {
        names.push_back(group + "_c" + std::to_string(i + 1));
      }
    }
  }
  return names;
}

std::vector<double> StatsSpeakerEncoder::RawFeatures(const SpeechAnalysis& a) {
  const FrameMatrix& mfcc = a.features.mfcc;
  const FrameMatrix delta = Deltas(mfcc);
  std::vector<double> sum(kC, 0.0), sum_sq(kC, 0.0), dsum(kC, 0.0), dsum_sq(kC, 0.0);
  int n = 0;
  for (int t = 0; t < mfcc.rows(); ++t) {
    if (!a.speech[t]) continue;
    ++n;
    for (int c = 0; c < kC; ++c) {
      const double x = mfcc.at(t, c + 1), d = delta.at(t, c + 1);
      sum[c] += x;
      sum_sq[c] += x * x;
      dsum[c] += d;
      dsum_sq[c] += d * d;
    }
  }
  std::vector<double> raw;
  raw.reserve(kRawDim);
  auto stddev = [n](double s, double s2) {
    return std::sqrt(std::max(0.0, s2 / n - (s / n) * (s / n)));
  };
  for (int c = 0; c < kC; ++c) raw.push_back(n > 0 ? sum[c] / n : kNaN);
  for (int c = 0; c < kC; ++c) raw.push_back(n > 0 ? stddev(sum[c], sum_sq[c]) : kNaN);
  for (int c = 0; c < kC; ++c) raw.push_back(n > 0 ? stddev(dsum[c], dsum_sq[c]) : kNaN);

  double f_sum = 0.0, f_sq = 0.0;
  int voiced = 0;
  for (float f0 : a.pitch.f0_hz) {
    if (f0 <= 0.0f) continue;
    const double l = std::log(f0);
    f_sum += l;
    f_sq += l * l;
    ++voiced;
  }
  // A handful of voiced frames gives a meaningless spread: treat as unknown.
  raw.push_back(voiced >= 10 ? f_sum / voiced : kNaN);
  raw.push_back(voiced >= 10 ? std::sqrt(std::max(0.0, f_sq / voiced - std::pow(f_sum / voiced, 2)))
                             : kNaN);
  return raw;
}

Embedding StatsSpeakerEncoder::EmbedAnalysis(const SpeechAnalysis& analysis) const {
  const std::vector<double> raw = RawFeatures(analysis);
  static const std::vector<double> weights = GroupWeights();
  Embedding e{id(), std::vector<float>(kRawDim, 0.0f)};
  double norm_sq = 0.0;
  for (int i = 0; i < kRawDim; ++i) {
    double z = 0.0;  // unknown features sit at the background mean
    if (std::isfinite(raw[i])) {
      z = (raw[i] - stats_.mean[i]) / stats_.stddev[i];
    }
    z = std::clamp(z, -kClip, kClip) * weights[i];
    e.values[i] = static_cast<float>(z);
    norm_sq += z * z;
  }
  if (norm_sq > 0.0) {
    const double inv = 1.0 / std::sqrt(norm_sq);
    for (float& v : e.values) v = static_cast<float>(v * inv);
  } else {
    // Exactly the background mean: any unit vector is as good; pick a fixed one
    // so the result is deterministic and valid.
    e.values.assign(kRawDim, static_cast<float>(1.0 / std::sqrt(double(kRawDim))));
  }
  return e;
}

std::optional<Embedding> StatsSpeakerEncoder::WithoutPitch(const Embedding& e) {
  // The layout below is version 1's; a new version must revisit it.
  if (e.encoder != "stats/1" || e.dim() != kRawDim) return std::nullopt;
  Embedding out = e;
  double norm_sq = 0.0;
  for (int i = 0; i < kRawDim; ++i) {
    if (i >= 3 * kC) out.values[i] = 0.0f;  // the log_f0 group is last
    norm_sq += double(out.values[i]) * out.values[i];
  }
  if (!(norm_sq > 1e-12)) return std::nullopt;
  for (float& v : out.values) v = static_cast<float>(v / std::sqrt(norm_sq));
  return out;
}

Result<Embedding> StatsSpeakerEncoder::Embed(const audio::PcmBuffer& pcm) {
  VOX_ASSIGN_OR_RETURN(SpeechAnalysis analysis, AnalyzeSpeech(pcm));
  return EmbedAnalysis(analysis);
}

}  // namespace vox::voice
