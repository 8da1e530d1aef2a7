#include "voice/source_features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "voice/lpc.h"

namespace vox::voice {
namespace {

constexpr double kSrcNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kSrcLpcOrder = 18;   // 16 kHz: 9 resonances, the envelope and nothing finer
constexpr int kSrcMinValues = 10;  // fewer measurements than this: unknown

double SrcPercentile(std::vector<double> v, double q) {
  if (v.empty()) return kSrcNaN;
  const std::size_t k = static_cast<std::size_t>(q * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

double SrcMean(const std::vector<double>& v) {
  if (static_cast<int>(v.size()) < kSrcMinValues) return kSrcNaN;
  double s = 0.0;
  for (double x : v) s += x;
  return s / v.size();
}

// Mean log length (frames) of the runs of `on` frames, counting only runs
// that lie inside speech (a run touching a non-speech frame is cut there).
double SrcMeanLogRun(const std::vector<bool>& on, const std::vector<bool>& speech) {
  std::vector<double> logs;
  int run = 0;
  for (std::size_t t = 0; t <= on.size(); ++t) {
    if (t < on.size() && on[t] && speech[t]) {
      ++run;
    } else if (run > 0) {
      logs.push_back(std::log(static_cast<double>(run)));
      run = 0;
    }
  }
  return SrcMean(logs);
}

struct SrcResidualShape {
  double log_kurtosis = kSrcNaN;   // median over voiced frames
  double log_peakiness = kSrcNaN;  // kurtosis per pitch period, median
  double log_hf_ratio = kSrcNaN;   // first-difference to plain power, median
};

// The LPC residual of voiced frames: how peaky the excitation is (a pulse
// train's kurtosis grows with the period, hence also per period) and how much
// high-frequency energy it carries (white: ratio 2; a smooth pulse: less).
SrcResidualShape SrcResidual(const audio::PcmBuffer& mono, const SpeechAnalysis& a) {
  const int length = a.features.frame_length, hop = a.features.hop;
  std::vector<double> window(length), frame(length), windowed(length);
  for (int i = 0; i < length; ++i) {
    window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / (length - 1));
  }
  std::vector<double> kurt, peak, hf;
  for (int t = 0; t < static_cast<int>(a.voiced.size()); t += 2) {  // every other frame suffices
    if (!a.voiced[t]) continue;
    const std::size_t start = static_cast<std::size_t>(t) * hop;
    if (start + length > mono.samples.size()) break;
    for (int i = 0; i < length; ++i) {
      frame[i] = mono.samples[start + i];
      windowed[i] = frame[i] * window[i];
    }
    const std::vector<double> lpc = Lpc(windowed, kSrcLpcOrder);
    if (lpc.empty()) continue;
    double m2 = 0.0, m4 = 0.0, d2 = 0.0, prev = 0.0;
    int n = 0;
    for (int i = kSrcLpcOrder; i < length; ++i) {
      double e = 0.0;
      for (int k = 0; k <= kSrcLpcOrder; ++k) e += lpc[k] * frame[i - k];
      m2 += e * e;
      m4 += e * e * e * e;
      if (n > 0) d2 += (e - prev) * (e - prev);
      prev = e;
      ++n;
    }
    if (!(m2 > 1e-12)) continue;
    m2 /= n;
    m4 /= n;
    const double kurtosis = m4 / (m2 * m2);
    const double period = a.features.sample_rate / static_cast<double>(a.pitch.f0_hz[t]);
    kurt.push_back(std::log(kurtosis));
    peak.push_back(std::log(kurtosis / period));
    hf.push_back(std::log(d2 / (n - 1) / m2));
  }
  if (static_cast<int>(kurt.size()) < kSrcMinValues) return {};
  return {SrcPercentile(kurt, 0.5), SrcPercentile(peak, 0.5), SrcPercentile(hf, 0.5)};
}

}  // namespace

std::vector<std::string> SourceFeatureNames() {
  return {"aperiodicity_p10",      "aperiodicity_p50",       "aperiodicity_p90",
          "voiced_fraction",       "voiced_run_log",         "spectral_flux",
          "residual_log_kurtosis", "residual_log_peakiness", "residual_log_hf_ratio"};
}

std::vector<double> SourceFeatures(const audio::PcmBuffer& mono, const SpeechAnalysis& a) {
  const int frames = a.features.num_frames();
  std::vector<double> ap;
  int speech = 0, voiced = 0;
  for (int t = 0; t < frames; ++t) {
    speech += a.speech[t];
    if (!a.voiced[t]) continue;
    ++voiced;
    ap.push_back(a.pitch.aperiodicity[t]);
  }
  const bool enough = static_cast<int>(ap.size()) >= kSrcMinValues;
  std::vector<double> raw;
  raw.push_back(enough ? SrcPercentile(ap, 0.1) : kSrcNaN);
  raw.push_back(enough ? SrcPercentile(ap, 0.5) : kSrcNaN);
  raw.push_back(enough ? SrcPercentile(ap, 0.9) : kSrcNaN);
  raw.push_back(speech > 0 ? static_cast<double>(voiced) / speech : kSrcNaN);

  // Timing: how long voiced stretches last inside speech.
  raw.push_back(SrcMeanLogRun(a.voiced, a.speech));

  // Spectral change frame to frame (a constant envelope bias cancels).
  std::vector<double> flux;
  const FrameMatrix& mel = a.features.log_mel;
  for (int t = 1; t < frames; ++t) {
    if (!a.speech[t] || !a.speech[t - 1]) continue;
    double s = 0.0;
    for (int b = 0; b < mel.cols(); ++b) {
      const double d = mel.at(t, b) - mel.at(t - 1, b);
      s += d * d;
    }
    flux.push_back(std::sqrt(s / std::max(1, mel.cols())));
  }
  raw.push_back(SrcMean(flux));

  const SrcResidualShape r = SrcResidual(mono, a);
  raw.push_back(r.log_kurtosis);
  raw.push_back(r.log_peakiness);
  raw.push_back(r.log_hf_ratio);
  return raw;
}

}  // namespace vox::voice
