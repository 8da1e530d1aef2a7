// libFuzzer entry for Decode(): any byte string must yield a buffer or an
// error, never a crash, hang or oversized allocation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audio/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vox::audio::DecodeOptions options;
  options.max_seconds = 30.0;  // keeps each run fast; limits are part of what is tested
  auto result =
      vox::audio::Decode(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (result) {
    // A successful decode must be self-consistent.
    const auto& pcm = *result;
    if (pcm.channels < 1 || pcm.samples.size() % pcm.channels != 0 || pcm.sample_rate <= 0) {
      __builtin_trap();
    }
  }
  return 0;
}
