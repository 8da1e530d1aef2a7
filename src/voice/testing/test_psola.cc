#include "voice/testing/test_psola.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "voice/features.h"
#include "voice/pitch.h"

namespace vox::voice::testing {
namespace {

constexpr int kHop = 160;                  // 10 ms pitch frames at 16 kHz
constexpr double kUnvoicedPeriod = 160.0;  // grain spacing where there is no F0

struct Mark {
  double pos = 0.0;     // sample of the grain's centre
  double period = 0.0;  // samples; the grain spans +-period
  bool voiced = false;
};

// F0 per 10 ms frame, with isolated voiced/unvoiced flips and octave jumps
// smoothed by a 5-frame median over the voiced neighbours.
std::vector<float> SmoothedF0(const std::vector<float>& raw) {
  std::vector<float> out(raw.size(), 0.0f);
  for (size_t t = 0; t < raw.size(); ++t) {
    if (raw[t] <= 0.0f) continue;
    std::vector<float> near;
    for (size_t k = t >= 2 ? t - 2 : 0; k <= t + 2 && k < raw.size(); ++k) {
      if (raw[k] > 0.0f) near.push_back(raw[k]);
    }
    std::nth_element(near.begin(), near.begin() + near.size() / 2, near.end());
    out[t] = near[near.size() / 2];
  }
  return out;
}

// One mark per period on voiced stretches, placed on the waveform's largest
// peak near where the previous period predicts it (consistent marks matter
// more than exact glottal closure instants); fixed spacing elsewhere.
std::vector<Mark> AnalysisMarks(const std::vector<float>& x, const std::vector<float>& f0) {
  std::vector<Mark> marks;
  const double n = static_cast<double>(x.size());
  double t = 0.0;
  bool previous_voiced = false;
  while (t < n) {
    // YIN's frame t covers about [t * hop, t * hop + 2 * hop): centre it.
    const long frame = std::lround((t - kHop) / kHop);
    const float hz = frame >= 0 && frame < static_cast<long>(f0.size()) ? f0[frame] : 0.0f;
    if (hz <= 0.0f) {
      marks.push_back({t, kUnvoicedPeriod, false});
      t += kUnvoicedPeriod;
      previous_voiced = false;
      continue;
    }
    const double period = kAnalysisRate / hz;
    const double from = previous_voiced ? t - period / 4 : t;
    const double to = previous_voiced ? t + period / 4 : t + period;
    long best = std::clamp<long>(std::lround(from), 0, x.size() - 1);
    for (long i = best; i <= std::lround(to) && i < static_cast<long>(x.size()); ++i) {
      if (x[i] > x[best]) best = i;
    }
    const double pos = std::max<double>(best, marks.empty() ? 0.0 : marks.back().pos + period / 2);
    marks.push_back({pos, period, true});
    t = pos + period;
    previous_voiced = true;
  }
  return marks;
}

}  // namespace

Result<audio::PcmBuffer> PsolaPitchShift(const audio::PcmBuffer& pcm, double factor) {
  if (!(factor >= 0.5 && factor <= 2.0)) {
    return InvalidArgument("factor must be in 0.5..2", "factor");
  }
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer in, PrepareAudio(pcm));
  const std::vector<float>& x = in.samples;
  const int frames = static_cast<int>(x.size() / kHop) + 1;
  VOX_ASSIGN_OR_RETURN(PitchTrack track, EstimatePitch(x, kAnalysisRate, kHop, frames));
  const std::vector<Mark> marks = AnalysisMarks(x, SmoothedF0(track.f0_hz));

  audio::PcmBuffer out;
  out.sample_rate = kAnalysisRate;
  out.samples.assign(x.size(), 0.0f);
  if (marks.empty()) return out;
  // More (or fewer) grains per second scale the power by the factor; this
  // gain keeps the level of voiced speech.
  const double voiced_gain = 1.0 / std::sqrt(factor);
  size_t k = 0;
  for (double ts = marks.front().pos; ts < static_cast<double>(x.size());) {
    // The analysis mark nearest in time: duration is unchanged.
    while (k + 1 < marks.size() && std::abs(marks[k + 1].pos - ts) <= std::abs(marks[k].pos - ts)) {
      ++k;
    }
    const Mark& m = marks[k];
    const long half = std::max(1L, std::lround(m.period));
    const long centre = std::lround(m.pos), at = std::lround(ts);
    const double gain = m.voiced ? voiced_gain : 1.0;
    for (long i = -half; i <= half; ++i) {
      const long src = centre + i, dst = at + i;
      if (src < 0 || dst < 0 || src >= static_cast<long>(x.size()) ||
          dst >= static_cast<long>(x.size())) {
        continue;
      }
      const double w = 0.5 * (1.0 + std::cos(std::numbers::pi * i / half));
      out.samples[dst] += static_cast<float>(gain * w * x[src]);
    }
    ts += m.voiced ? m.period / factor : m.period;
  }
  for (float& s : out.samples) s = std::clamp(s, -1.0f, 1.0f);
  return out;
}

}  // namespace vox::voice::testing
