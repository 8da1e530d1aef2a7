// What to encode to: format, sample rate, bitrate, loudness target.
//
// One struct serves the one-shot Encode() and the streaming AudioFileWriter
// so both produce identical bytes for the same input.
#pragma once

#include <optional>
#include <string>

#include "audio/format.h"
#include "common/status.h"

namespace vox::audio {

struct EncodeOptions {
  Format format = Format::kWav;

  // Output rate in Hz, 8000..48000. 0 keeps the input rate, moved into
  // 8000..48000 and, for Opus/MP3, up to the next rate the codec supports
  // (22050 -> 24000 for Opus). An explicit rate the codec cannot encode is an
  // error (field "sample_rate") rather than a silent change.
  int sample_rate = 0;

  // MP3/Opus only (0 = the format's default; an error for other formats).
  // MP3: constant bitrate; libsndfile maps it onto LAME's range for the
  //   sample rate's MPEG version, so it is clamped to 32..320 kbps at >= 32 kHz,
  //   8..160 at 16..24 kHz and 8..64 below 16 kHz. Default 128 / 64 / 32.
  // Opus: total target bitrate, 6..256 kbps per channel. Default 32 per channel.
  int bitrate_kbps = 0;

  // When set, the output is normalized to this integrated loudness (LUFS)
  // under `peak_limit_dbfs` (dBTP); see loudness.h.
  std::optional<double> target_lufs;
  double peak_limit_dbfs = -1.0;

  // Checks ranges; errors name the field ("sample_rate", "bitrate",
  // "target_lufs", "peak_limit_dbfs").
  Status Validate() const;
  std::string ToString() const;
};

// The rate the output will have for input at `input_rate`, per the rules on
// EncodeOptions::sample_rate. Validates `options` first.
Result<int> OutputSampleRate(const EncodeOptions& options, int input_rate);

// The bitrate in kbps the encoder will target for `channels` at `rate`, after
// defaults and clamping; 0 for formats without a bitrate.
int EffectiveBitrateKbps(const EncodeOptions& options, int rate, int channels);

}  // namespace vox::audio
