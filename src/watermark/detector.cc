#include "watermark/detector.h"

#include <algorithm>
#include <cmath>

#include "audio/dsp.h"
#include "audio/resampler.h"
#include "watermark/layout.h"
#include "watermark/payload.h"
#include "watermark/spectrum.h"

namespace vox::watermark {
namespace {

constexpr int kHop = kDetectRate / kFramesPerSecond;
constexpr int kCandidates = 4;  // cycle positions decoded per file
constexpr int kPhases = 2;      // sub-hop grids

// Band energies of the frames starting at `offset` + f * hop.
std::vector<float> BandEnergies(const std::vector<float>& x, int offset, Spectrum& spectrum,
                                const std::vector<float>& window, int& frames) {
  const int size = 2 * kHop;
  frames = x.size() < static_cast<size_t>(offset + size)
               ? 0
               : static_cast<int>((x.size() - offset - size) / kHop + 1);
  std::vector<float> energy(static_cast<size_t>(frames) * kBands);
  std::vector<float> frame(size);
  for (int f = 0; f < frames; ++f) {
    for (int n = 0; n < size; ++n) frame[n] = x[offset + f * kHop + n] * window[n];
    spectrum.Forward(frame);
    auto bins = spectrum.bins();
    for (int b = 0; b < kBands; ++b) {
      float e = 0;
      for (int k = kLowBin + b * kBinsPerBand; k < kLowBin + (b + 1) * kBinsPerBand; ++k) {
        e += std::norm(bins[k]);
      }
      energy[static_cast<size_t>(f) * kBands + b] = e;
    }
  }
  return energy;
}

// One grid's tiles: high-passed log-energies and their weights (0: too quiet to carry a chip).
struct Tiles {
  int count = 0;
  std::vector<float> value;   // count * kBands
  std::vector<float> weight;  // count * kBands
};

Tiles MakeTiles(const std::vector<float>& energy, int frames, int parity) {
  Tiles t;
  t.count = std::max(0, (frames - parity) / kFramesPerTile);
  const size_t n = static_cast<size_t>(t.count) * kBands;
  std::vector<float> log_e(n);
  std::vector<char> valid(n);
  float loudest = 0;
  for (size_t i = 0; i < n; ++i) {
    const int j = static_cast<int>(i / kBands), b = static_cast<int>(i % kBands);
    const size_t f = static_cast<size_t>(parity + j * kFramesPerTile);
    float e = 0;
    for (int k = 0; k < kFramesPerTile; ++k) e += energy[(f + k) * kBands + b];
    log_e[i] = e;
    loudest = std::max(loudest, e);
  }
  // Only digital silence is left out: measured on TTS speech, the quiet tiles carry the
  // mark as well as the loud ones (and those a codec zeroed are few).
  const float floor = std::max(loudest * 1e-8f, 1e-12f);
  for (size_t i = 0; i < n; ++i) {
    valid[i] = log_e[i] > floor;
    log_e[i] = std::log(std::max(log_e[i], floor));
  }
  t.value.assign(n, 0.0f);
  t.weight.assign(n, 0.0f);
  for (int j = 0; j < t.count; ++j) {
    for (int b = 0; b < kBands; ++b) {
      const size_t i = static_cast<size_t>(j) * kBands + b;
      if (!valid[i]) continue;
      float sum = 0;
      int count = 0;
      auto add = [&](int jj, int bb) {
        if (jj < 0 || jj >= t.count || bb < 0 || bb >= kBands) return;
        const size_t k = static_cast<size_t>(jj) * kBands + bb;
        if (!valid[k]) return;
        sum += log_e[k];
        ++count;
      };
      add(j - 1, b);
      add(j + 1, b);
      add(j, b - 1);
      add(j, b + 1);
      if (count < 2) continue;
      t.value[i] = log_e[i] - sum / count;
      t.weight[i] = 1.0f;
    }
  }
  return t;
}

struct Candidate {
  int grid = 0;    // phase * 2 + parity
  int offset = 0;  // cycle tile of the grid's tile 0
  double z = 0;
};

// Folded correlation of the tiles with the pattern at `offset`: per payload bit, and the sync.
void Correlate(const Pattern& pattern, const Tiles& t, int offset, std::vector<double>& bit_sum,
               double& sync_sum, double& sync_energy) {
  bit_sum.assign(kPayloadBits, 0.0);
  sync_sum = 0;
  sync_energy = 0;
  for (int j = 0; j < t.count; ++j) {
    const int tile = (j + offset) % kTilesPerCycle;
    for (int b = 0; b < kBands; ++b) {
      const size_t i = static_cast<size_t>(j) * kBands + b;
      const float w = t.weight[i];
      if (w == 0) continue;
      const double v = t.value[i] * pattern.sign(tile, b);
      const int role = pattern.role(tile, b);
      if (role == Pattern::kSync) {
        sync_sum += v;
        sync_energy += static_cast<double>(t.value[i]) * t.value[i];
      } else {
        bit_sum[role] += v;
      }
    }
  }
}

}  // namespace

Result<Detection> Detect(const Pattern& pattern, const audio::PcmBuffer& pcm,
                         const DetectOptions& options) {
  if (pcm.empty() || pcm.channels < 1) return InvalidArgument("no audio", "audio");
  if (pcm.sample_rate < 8000 || pcm.sample_rate > 192000) {
    return InvalidArgument("sample rate out of 8..192 kHz", "audio");
  }
  audio::PcmBuffer mono = pcm.channels == 1 ? pcm : audio::ToMono(pcm);
  const auto keep = static_cast<size_t>(options.max_seconds * mono.sample_rate);
  if (mono.samples.size() > keep) mono.samples.resize(keep);
  if (mono.sample_rate != kDetectRate) {
    VOX_ASSIGN_OR_RETURN(mono, audio::Resample(mono, kDetectRate));
  }
  VOX_ASSIGN_OR_RETURN(auto spectrum, Spectrum::Create(2 * kHop));
  const std::vector<float> window = SqrtHann(2 * kHop);

  std::vector<Tiles> grids;
  for (int phase = 0; phase < kPhases; ++phase) {
    int frames = 0;
    auto energy = BandEnergies(mono.samples, phase * kHop / kPhases, *spectrum, window, frames);
    for (int parity = 0; parity < kFramesPerTile; ++parity) {
      grids.push_back(MakeTiles(energy, frames, parity));
    }
  }
  std::vector<Candidate> candidates;
  std::vector<double> bits;
  for (int g = 0; g < static_cast<int>(grids.size()); ++g) {
    for (int offset = 0; offset < kTilesPerCycle; ++offset) {
      double sum = 0, energy = 0;
      Correlate(pattern, grids[g], offset, bits, sum, energy);
      if (energy > 0) candidates.push_back({g, offset, sum / std::sqrt(energy)});
    }
  }
  Detection best;
  if (candidates.empty()) return best;
  const size_t top = std::min<size_t>(kCandidates, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(top),
                    candidates.end(),
                    [](const Candidate& a, const Candidate& b) { return a.z > b.z; });
  best.sync_z = candidates[0].z;
  best.watermarked = best.sync_z >= options.presence_z;
  for (size_t c = 0; c < top; ++c) {
    double sum = 0, energy = 0;
    Correlate(pattern, grids[candidates[c].grid], candidates[c].offset, bits, sum, energy);
    if (c == 0) std::copy(bits.begin(), bits.end(), best.evidence.bit_sum.begin());
    if (candidates[c].z < options.decode_min_z) break;
    PayloadBits decided{};
    double margin = 0;
    for (int i = 0; i < kPayloadBits; ++i) {
      decided[i] = bits[i] >= 0 ? 1 : -1;
      margin += std::abs(bits[i]);
    }
    if (c == 0) best.payload_z = margin / kPayloadBits / std::sqrt(energy / kPayloadBits);
    if (auto id = DecodePayload(decided)) {
      best.watermarked = true;
      best.id = *id;
      break;
    }
  }
  best.confidence = 1.0 / (1.0 + std::exp(-1.5 * (best.sync_z - options.presence_z)));
  return best;
}

}  // namespace vox::watermark
