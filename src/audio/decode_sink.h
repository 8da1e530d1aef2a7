// Internal: collects decoded samples under DecodeOptions limits.
//
// Every decoder backend (libsndfile, libmpg123, libvorbisfile) reports its
// stream format here first and then hands over blocks; the sink validates the
// format, enforces the duration limit as samples actually arrive (never from a
// length a header claims), scrubs NaN/inf, clamps to [-1, 1] and downmixes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "audio/decode.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio::internal {

class DecodeSink {
 public:
  // Checks the stream's rate and channel count against `options`; errors
  // mention `container` ("wav", "mp3", ...) and use field "audio".
  static Result<DecodeSink> Create(long sample_rate, int channels, const DecodeOptions& options,
                                   std::string container);

  // Refuses a stream whose header states a length over the limit, before any
  // decoding. `frames` <= 0 means unknown.
  Status CheckClaimedFrames(std::int64_t frames) const;

  // Appends `frames` interleaved frames (ResourceExhausted past the limit).
  Status AddInterleaved(float* data, std::size_t frames);
  // Appends `frames` frames given as one array per channel.
  Status AddPlanar(float* const* channels, std::size_t frames);

  std::uint64_t frames() const { return frames_; }
  const std::string& container() const { return container_; }

  // The decoded buffer; invalid_argument when nothing was decoded.
  Result<PcmBuffer> Finish() &&;

 private:
  DecodeSink() = default;
  Status CountFrames(std::size_t frames);

  std::string container_;
  int channels_ = 1;
  std::uint64_t max_frames_ = 0;
  double max_seconds_ = 0;
  std::uint64_t frames_ = 0;
  PcmBuffer out_;
};

}  // namespace vox::audio::internal
