// Real-input FFT (kissfft's kiss_fftr, BSD-3) behind a small RAII wrapper.
//
// kissfft is in Debian, tiny, and permissively licensed (FFTW would make the
// platform GPL). A plan owns a scratch buffer, so one RealFft must not be used
// from two threads at once; make one per analysis instead (creation is cheap).
#pragma once

#include <memory>
#include <span>

#include "common/status.h"

namespace vox::voice {

class RealFft {
 public:
  // `size` must be even and in 2..65536 (any even size works; powers of two
  // are fastest).
  static Result<RealFft> Create(int size);

  RealFft(RealFft&&) noexcept = default;
  RealFft& operator=(RealFft&&) noexcept = default;
  ~RealFft() = default;

  int size() const { return size_; }
  int num_bins() const { return size_ / 2 + 1; }

  // |X[k]|^2 for k = 0..size/2 of `frame` (exactly size() samples) into
  // `power` (exactly num_bins() values). Sizes are checked by the caller.
  void PowerSpectrum(std::span<const float> frame, std::span<float> power);

 private:
  struct PlanDeleter {
    void operator()(void* plan) const;
  };
  RealFft(int size, void* plan);

  int size_ = 0;
  std::unique_ptr<void, PlanDeleter> plan_;
  std::unique_ptr<float[]> spectrum_;  // interleaved re/im, num_bins() pairs
};

}  // namespace vox::voice
