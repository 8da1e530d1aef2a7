// TextLimits: VOX_MAX_TEXT_CHARS, the one text-length setting, and the byte
// limits derived from it (request bodies, input files), so they cannot drift;
// and VOX_MAX_AUDIO_SECONDS, the longest speech one request may ask for,
// estimated from its text before synthesis (engines/speech_length.h).
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace vox::text {

struct TextLimits {
  // Longest text a request may carry, in Unicode code points.
  size_t max_chars = 1'000'000;
  // Largest accepted setting: a 100M-character text is ~1.2 GB of JSON at
  // worst, far from any overflow, and more than any sane request.
  static constexpr size_t kMaxSetting = 100'000'000;
  // Longest speech a text may make, in seconds (0: no cap). An hour of 48 kHz
  // 16-bit WAV is ~330 MB; 1,000,000 digits would be ~31 GB.
  double max_audio_seconds = 3600;
  static constexpr double kMaxAudioSetting = 7 * 86400;

  // UTF-8 bytes such a text can take (4 per code point at worst).
  size_t MaxUtf8Bytes() const { return max_chars * 4; }
  // A JSON body able to carry it: 12 bytes per code point (a character outside
  // the BMP escaped as \uXXXX\uXXXX), plus 64 KiB for the other fields.
  size_t MaxJsonBodyBytes() const { return max_chars * 12 + (64u << 10); }

  Status Validate() const {
    if (max_chars < 1 || max_chars > kMaxSetting) {
      return InvalidArgument("must be between 1 and " + std::to_string(kMaxSetting),
                             "VOX_MAX_TEXT_CHARS");
    }
    if (!(max_audio_seconds >= 0 && max_audio_seconds <= kMaxAudioSetting)) {
      return InvalidArgument(
          "must be between 0 (no cap) and " + std::to_string(static_cast<int>(kMaxAudioSetting)),
          "VOX_MAX_AUDIO_SECONDS");
    }
    return {};
  }
};

}  // namespace vox::text
