// libFuzzer entry for Decode(): any byte string must yield a buffer or an
// error, never a crash, hang or oversized allocation.
//
// Odd-sized inputs take the upload path (mono, resampled to 16 kHz while
// decoding, under a shared budget), even-sized ones the plain path, so one
// corpus covers both sides of DecodeSink.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audio/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vox::audio::DecodeOptions options;
  options.max_seconds = 30.0;  // keeps each run fast; limits are part of what is tested
  vox::audio::DecodeBudget budget(20.0, "the recordings");
  if (size % 2 == 1) {
    options.mix_to_mono = true;
    options.output_sample_rate = 16000;
    options.budget = &budget;
  }
  auto result =
      vox::audio::Decode(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (result) {
    // A successful decode must be self-consistent.
    const auto& pcm = *result;
    if (pcm.channels < 1 || pcm.samples.size() % pcm.channels != 0 || pcm.sample_rate <= 0 ||
        pcm.duration_s() > options.max_seconds) {
      __builtin_trap();
    }
    if (options.budget != nullptr && (pcm.channels != 1 || pcm.sample_rate != 16000 ||
                                      budget.used_seconds() > 20.0 || pcm.duration_s() > 20.01)) {
      __builtin_trap();
    }
    for (float s : pcm.samples) {
      if (!(s >= -1.0f && s <= 1.0f)) __builtin_trap();
    }
  } else if (result.error().field != "audio" ||
             (result.error().code != vox::ErrorCode::kInvalidArgument &&
              result.error().code != vox::ErrorCode::kResourceExhausted)) {
    __builtin_trap();  // every error a file can cause is one of these two, on "audio"
  }
  return 0;
}
