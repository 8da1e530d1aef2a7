#include "voice/fft.h"

#include <kiss_fftr.h>

#include <cstdlib>
#include <string>

namespace vox::voice {

static_assert(sizeof(kiss_fft_cpx) == 2 * sizeof(float), "kissfft must be built for float");

void RealFft::PlanDeleter::operator()(void* plan) const {
  kiss_fftr_free(static_cast<kiss_fftr_cfg>(plan));
}

RealFft::RealFft(int size, void* plan)
    : size_(size), plan_(plan), spectrum_(new float[2 * (size / 2 + 1)]) {}

Result<RealFft> RealFft::Create(int size) {
  if (size < 2 || size > 65536 || size % 2 != 0) {
    return InvalidArgument("FFT size must be even and in 2..65536, got " + std::to_string(size),
                           "fft_size");
  }
  kiss_fftr_cfg plan = kiss_fftr_alloc(size, /*inverse_fft=*/0, nullptr, nullptr);
  if (plan == nullptr) return Internal("kiss_fftr_alloc failed for size " + std::to_string(size));
  return RealFft(size, plan);
}

void RealFft::PowerSpectrum(std::span<const float> frame, std::span<float> power) {
  auto* out = reinterpret_cast<kiss_fft_cpx*>(spectrum_.get());
  kiss_fftr(static_cast<kiss_fftr_cfg>(plan_.get()), frame.data(), out);
  for (int k = 0; k < num_bins(); ++k) power[k] = out[k].r * out[k].r + out[k].i * out[k].i;
}

}  // namespace vox::voice
