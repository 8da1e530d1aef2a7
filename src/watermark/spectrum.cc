#include "watermark/spectrum.h"

#include <kiss_fftr.h>

#include <cmath>
#include <numbers>
#include <string>

namespace vox::watermark {

static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>), "kissfft must be float");

std::vector<float> SqrtHann(int size) {
  std::vector<float> w(size);
  for (int n = 0; n < size; ++n) w[n] = static_cast<float>(std::sin(std::numbers::pi * n / size));
  return w;
}

Spectrum::Spectrum(int size, void* forward, void* inverse)
    : size_(size), forward_(forward), inverse_(inverse), bins_(size / 2 + 1) {}

Spectrum::~Spectrum() {
  kiss_fftr_free(static_cast<kiss_fftr_cfg>(forward_));
  kiss_fftr_free(static_cast<kiss_fftr_cfg>(inverse_));
}

Result<std::unique_ptr<Spectrum>> Spectrum::Create(int size) {
  if (size < 2 || size > 65536 || size % 2 != 0) {
    return InvalidArgument("FFT size must be even and in 2..65536, got " + std::to_string(size));
  }
  kiss_fftr_cfg forward = kiss_fftr_alloc(size, 0, nullptr, nullptr);
  kiss_fftr_cfg inverse = kiss_fftr_alloc(size, 1, nullptr, nullptr);
  if (forward == nullptr || inverse == nullptr) {
    kiss_fftr_free(forward);
    kiss_fftr_free(inverse);
    return Internal("kiss_fftr_alloc failed for size " + std::to_string(size));
  }
  return std::unique_ptr<Spectrum>(new Spectrum(size, forward, inverse));
}

void Spectrum::Forward(std::span<const float> frame) {
  kiss_fftr(static_cast<kiss_fftr_cfg>(forward_), frame.data(),
            reinterpret_cast<kiss_fft_cpx*>(bins_.data()));
}

void Spectrum::Inverse(std::span<float> frame) {
  kiss_fftri(static_cast<kiss_fftr_cfg>(inverse_), reinterpret_cast<kiss_fft_cpx*>(bins_.data()),
             frame.data());
  const float scale = 1.0f / static_cast<float>(size_);
  for (float& x : frame) x *= scale;
}

}  // namespace vox::watermark
