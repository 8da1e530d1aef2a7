#include "voice/formants.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "voice/lpc.h"

namespace vox::voice {
namespace {

constexpr double kPi = std::numbers::pi;

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  return v[mid];
}

// Pre-emphasis from 50 Hz (as Praat does) and a Hamming window, then LPC.
std::vector<double> FrameLpc(std::span<const float> frame, int sample_rate, int order) {
  const int n = static_cast<int>(frame.size());
  const double alpha = std::exp(-2.0 * kPi * 50.0 / sample_rate);
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i) {
    const double prev = i > 0 ? frame[i - 1] : 0.0;
    x[i] = (frame[i] - alpha * prev) * (0.54 - 0.46 * std::cos(2.0 * kPi * i / (n - 1)));
  }
  return Lpc(x, order);
}

// -10 log10 |A(e^jw)|^2 on the envelope grid.
void LpcEnvelopeDb(const std::vector<double>& a, int sample_rate, std::vector<double>& out) {
  out.resize(kEnvelopeBins);
  for (int k = 0; k < kEnvelopeBins; ++k) {
    const double w = 2.0 * kPi * EnvelopeBinHz(k) / sample_rate;
    std::complex<double> sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * std::polar(1.0, -w * double(i));
    out[k] = -10.0 * std::log10(std::max(std::norm(sum), 1e-20));
  }
}

const std::vector<double>& ReferenceEnvelope() {
  static const std::vector<double> reference = [] {
    std::vector<double> formants, bandwidths;
    for (int i = 1; i <= 7; ++i) {  // up to 6.5 kHz: covers the grid
      formants.push_back((2 * i - 1) * kSpeedOfSoundCmPerS / (4.0 * kReferenceVocalTractCm));
      bandwidths.push_back(50.0 + 20.0 * i);  // typical, widening with frequency
    }
    return AllPoleEnvelopeDb(formants, bandwidths, 16000);
  }();
  return reference;
}

// Pearson correlation after removing the mean and the linear trend (spectral
// tilt is voice quality and recording channel, not tract length).
double DetrendedCorrelation(std::span<const double> x, std::span<const double> y) {
  const int n = static_cast<int>(x.size());
  auto detrend = [n](std::span<const double> v) {
    double mean = 0.0, mid = (n - 1) / 2.0, sxx = 0.0, sxy = 0.0;
    for (int i = 0; i < n; ++i) mean += v[i] / n;
    for (int i = 0; i < n; ++i) sxx += (i - mid) * (i - mid), sxy += (i - mid) * (v[i] - mean);
    std::vector<double> r(n);
    for (int i = 0; i < n; ++i) r[i] = v[i] - mean - sxy / sxx * (i - mid);
    return r;
  };
  const auto dx = detrend(x), dy = detrend(y);
  double xy = 0.0, xx = 0.0, yy = 0.0;
  for (int i = 0; i < n; ++i) xy += dx[i] * dy[i], xx += dx[i] * dx[i], yy += dy[i] * dy[i];
  // A curve within ~0.5 dB of its trend has no resonance structure to align.
  if (!(xx > 0.25 * n && yy > 0.25 * n)) return 0.0;
  return xy / std::sqrt(xx * yy);
}

}  // namespace

Status FormantConfig::Validate(int sample_rate) const {
  if (window < 64) return InvalidArgument("window must be >= 64 samples", "window");
  if (lpc_order < 8 || lpc_order > 30)
    return InvalidArgument("lpc_order must be 8..30", "lpc_order");
  if (frame_stride < 1) return InvalidArgument("frame_stride must be >= 1", "frame_stride");
  if (!(min_hz > 0.0 && max_hz > min_hz && max_hz < sample_rate / 2.0)) {
    return InvalidArgument("need 0 < min_hz < max_hz < sample_rate / 2", "max_hz");
  }
  if (!(match_low_hz >= 260.0 && match_high_hz > match_low_hz && match_high_hz <= 5000.0)) {
    return InvalidArgument("need 260 <= match_low_hz < match_high_hz <= 5000", "match_high_hz");
  }
  return {};
}

double EnvelopeBinHz(int bin) {
  return kEnvelopeLowHz * std::pow(2.0, static_cast<double>(bin) / kEnvelopeBinsPerOctave);
}

std::vector<double> AllPoleEnvelopeDb(std::span<const double> formants_hz,
                                      std::span<const double> bandwidths_hz, int sample_rate) {
  std::vector<double> a = {1.0};
  for (std::size_t i = 0; i < formants_hz.size() && i < bandwidths_hz.size(); ++i) {
    // (1 - 2 r cos(theta) z^-1 + r^2 z^-2) per resonance.
    const double r = std::exp(-kPi * bandwidths_hz[i] / sample_rate);
    const double c1 = -2.0 * r * std::cos(2.0 * kPi * formants_hz[i] / sample_rate), c2 = r * r;
    std::vector<double> next(a.size() + 2, 0.0);
    for (std::size_t k = 0; k < a.size(); ++k) {
      next[k] += a[k];
      next[k + 1] += c1 * a[k];
      next[k + 2] += c2 * a[k];
    }
    a = std::move(next);
  }
  std::vector<double> out;
  LpcEnvelopeDb(a, sample_rate, out);
  return out;
}

double EnvelopeScale(std::span<const double> envelope_db, double low_hz, double high_hz) {
  if (envelope_db.size() != static_cast<std::size_t>(kEnvelopeBins)) return 0.0;
  const double bins = kEnvelopeBinsPerOctave;
  const int k0 = static_cast<int>(std::ceil(std::log2(low_hz / kEnvelopeLowHz) * bins));
  const int k1 = static_cast<int>(std::floor(std::log2(high_hz / kEnvelopeLowHz) * bins));
  if (k1 - k0 < kEnvelopeBinsPerOctave) return 0.0;  // under an octave: nothing reliable
  const int min_shift = static_cast<int>(std::ceil(std::log2(0.7) * bins));
  const int max_shift = static_cast<int>(std::floor(std::log2(1.7) * bins));
  const auto& reference = ReferenceEnvelope();
  const std::span<const double> x = envelope_db.subspan(k0, k1 - k0 + 1);
  std::vector<double> scores;
  int best = -1;
  for (int s = min_shift; s <= max_shift; ++s) {
    if (k0 - s < 0 || k1 - s >= kEnvelopeBins) {
      scores.push_back(-2.0);
      continue;
    }
    scores.push_back(
        DetrendedCorrelation(x, std::span<const double>(reference).subspan(k0 - s, x.size())));
    if (best < 0 || scores.back() > scores[best]) best = static_cast<int>(scores.size()) - 1;
  }
  if (best < 0 || !(scores[best] > 0.0)) return 0.0;
  double shift = min_shift + best;
  if (best > 0 && best + 1 < static_cast<int>(scores.size())) {  // parabolic refinement
    const double a = scores[best - 1], b = scores[best], c = scores[best + 1];
    const double denom = a - 2.0 * b + c;
    if (denom < 0.0) shift += std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
  }
  return std::pow(2.0, shift / bins);
}

namespace {

std::vector<double> FormantsFromLpc(const std::vector<double>& a, int sample_rate,
                                    const FormantConfig& config) {
  std::vector<double> formants;
  if (a.empty()) return formants;
  for (const auto& z : PolynomialRoots(a)) {
    if (z.imag() <= 0.0) continue;  // one of each conjugate pair
    const double hz = std::arg(z) * sample_rate / (2.0 * kPi);
    const double bandwidth = -std::log(std::abs(z)) * sample_rate / kPi;
    if (hz >= config.min_hz && hz <= config.max_hz && bandwidth > 0.0 &&
        bandwidth <= config.max_bandwidth_hz) {
      formants.push_back(hz);
    }
  }
  std::sort(formants.begin(), formants.end());
  return formants;
}

}  // namespace

std::vector<double> FrameFormants(std::span<const float> frame, int sample_rate,
                                  const FormantConfig& config) {
  return FormantsFromLpc(FrameLpc(frame, sample_rate, config.lpc_order), sample_rate, config);
}

double VocalTractLengthCm(const std::array<double, 4>& formants_hz) {
  double num = 0.0, den = 0.0;
  for (int i = 0; i < 4; ++i) {
    if (!(formants_hz[i] > 0.0)) return 0.0;
    const double k = 2.0 * i + 1.0;
    num += k * formants_hz[i];
    den += k * k;
  }
  return kSpeedOfSoundCmPerS / (2.0 * (2.0 * num / den));
}

Result<FormantEstimate> EstimateFormants(std::span<const float> samples, int sample_rate, int hop,
                                         const std::vector<bool>& mask, int source_rate,
                                         const FormantConfig& config) {
  VOX_RETURN_IF_ERROR(config.Validate(sample_rate));
  if (hop < 1) return InvalidArgument("hop must be >= 1", "hop");
  std::array<std::vector<double>, 4> tracks;
  std::vector<double> mean_envelope(kEnvelopeBins, 0.0), envelope;
  int seen = 0;
  FormantEstimate estimate;
  for (std::size_t t = 0; t < mask.size(); ++t) {
    if (!mask[t]) continue;
    if (seen++ % config.frame_stride != 0) continue;
    const std::size_t start = t * hop;
    if (start + config.window > samples.size()) break;
    const auto frame = samples.subspan(start, config.window);
    const std::vector<double> a = FrameLpc(frame, sample_rate, config.lpc_order);
    if (a.empty()) continue;
    LpcEnvelopeDb(a, sample_rate, envelope);
    // Average power, each frame normalized to unit total: a long-term average
    // spectrum without the harmonics (which would follow F0, not the tract).
    // Averaging dB instead over-weights each vowel's sharp peaks (measured:
    // an F0-only shift then moved the scale by 25%).
    double total = 0.0;
    for (double& v : envelope) total += (v = std::pow(10.0, v / 10.0));
    for (int k = 0; k < kEnvelopeBins; ++k) mean_envelope[k] += envelope[k] / total;
    ++estimate.frames_used;
    const auto formants = FormantsFromLpc(a, sample_rate, config);
    if (formants.size() < 4) continue;
    for (int i = 0; i < 4; ++i) tracks[i].push_back(formants[i]);
  }
  for (int i = 0; i < 4; ++i) estimate.median_hz[i] = Median(tracks[i]);
  if (estimate.frames_used < 5) return estimate;  // too little voicing to trust
  for (double& v : mean_envelope) v = 10.0 * std::log10(v / estimate.frames_used);
  const double high = std::min(config.match_high_hz, 0.45 * std::min(source_rate, sample_rate));
  estimate.formant_scale = EnvelopeScale(mean_envelope, config.match_low_hz, high);
  if (estimate.formant_scale > 0.0) {
    estimate.vocal_tract_cm = kReferenceVocalTractCm / estimate.formant_scale;
  }
  return estimate;
}

}  // namespace vox::voice
