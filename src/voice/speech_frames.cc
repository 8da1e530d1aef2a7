#include "voice/speech_frames.h"

#include <algorithm>
#include <cmath>

namespace vox::voice {
namespace {

double Percentile(std::vector<float> values, double p) {
  const std::size_t index =
      std::min(values.size() - 1, static_cast<std::size_t>(p * (values.size() - 1) + 0.5));
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}

}  // namespace

std::vector<bool> SelectSpeechFrames(std::span<const float> energy_db,
                                     const FrameSelectionConfig& config) {
  std::vector<bool> selected(energy_db.size(), false);
  std::vector<float> finite;
  for (float e : energy_db) {
    if (std::isfinite(e)) finite.push_back(e);
  }
  if (finite.empty()) return selected;
  const double floor = Percentile(finite, config.floor_percentile);
  const double peak = Percentile(finite, config.peak_percentile);
  const double threshold = std::max({config.absolute_floor_db, peak - config.max_below_peak_db,
                                     floor + config.floor_fraction * (peak - floor)});
  for (std::size_t t = 0; t < energy_db.size(); ++t) {
    selected[t] = std::isfinite(energy_db[t]) && energy_db[t] >= threshold;
  }
  return selected;
}

int SpeechRegionFrames(const std::vector<bool>& selected, int min_pause_frames) {
  const auto first = std::find(selected.begin(), selected.end(), true);
  if (first == selected.end()) return 0;
  const auto last = std::find(selected.rbegin(), selected.rend(), true).base();
  int total = static_cast<int>(last - first);
  int run = 0;
  for (auto it = first; it != last; ++it) {
    if (!*it) {
      ++run;
      continue;
    }
    if (run >= min_pause_frames) total -= run;
    run = 0;
  }
  return total;
}

}  // namespace vox::voice
