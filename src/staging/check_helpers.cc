#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "asr/wer.h"
#include "staging/checks.h"

namespace vox::staging {

std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return values[std::min(index, values.size() - 1)];
}

void ForEachParallel(int n, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::jthread> pool;
  for (int t = 0; t < std::min(std::max(threads, 1), n); ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  }
}

Result<asr::WerResult> HeardErrors(asr::Transcriber* asr, const audio::PcmBuffer& pcm,
                                   const std::string& reference, std::string& heard) {
  if (asr == nullptr) return Unavailable("the speech recognizer (pocketsphinx) is not available");
  VOX_ASSIGN_OR_RETURN(heard, asr->Transcribe(pcm));
  return asr::WordErrors(reference, heard);
}

}  // namespace vox::staging
