// A 40 ms frame to its spectrum and back (kissfft's real FFT, as voice/fft.h,
// but with the complex spectrum and the inverse that the embedder needs).
// Holds its plans and buffers: one per embedder or detector, not shared
// between threads.
#pragma once

#include <complex>
#include <memory>
#include <span>
#include <vector>

#include "common/status.h"

namespace vox::watermark {

// Periodic sqrt-Hann: as analysis and synthesis window at 50% overlap its
// square sums to one, so unmodified frames reconstruct the input exactly.
std::vector<float> SqrtHann(int size);

class Spectrum {
 public:
  // `size` even, 2..65536 (kissfft takes mixed radices: 882 at 22050 Hz).
  static Result<std::unique_ptr<Spectrum>> Create(int size);
  ~Spectrum();

  int size() const { return size_; }
  // bins()[k], k = 0..size/2, after Forward; Inverse reads them back.
  std::span<std::complex<float>> bins() { return bins_; }
  void Forward(std::span<const float> frame);  // frame.size() == size()
  void Inverse(std::span<float> frame);        // scaled: Inverse(Forward(x)) == x

 private:
  Spectrum(int size, void* forward, void* inverse);
  int size_;
  void* forward_;
  void* inverse_;
  std::vector<std::complex<float>> bins_;
};

}  // namespace vox::watermark
