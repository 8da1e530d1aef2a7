// The one in-memory audio type of Vox: interleaved float samples in [-1, 1].
//
// Float keeps DSP (resampling, loudness, voice conversion) free of clipping
// and rescaling; codecs convert at the edges. Not thread-safe; pass by value
// or move between threads.
#pragma once

#include <cstddef>
#include <vector>

namespace vox::audio {

struct PcmBuffer {
  int sample_rate = 0;
  int channels = 1;
  std::vector<float> samples;  // interleaved: frame i, channel c at [i * channels + c]

  std::size_t frames() const { return channels > 0 ? samples.size() / channels : 0; }
  double duration_s() const {
    return sample_rate > 0 ? static_cast<double>(frames()) / sample_rate : 0.0;
  }
  bool empty() const { return samples.empty(); }
};

}  // namespace vox::audio
