// Internal: turns decoded blocks into the output buffer under DecodeOptions.
//
// Every decoder backend (libsndfile, libmpg123, libvorbisfile, ffmpeg)
// reports its stream format here first and then hands over blocks as it
// decodes them. The sink validates the format, counts the samples against the
// file's duration limit and the shared DecodeBudget as they arrive (never from
// a length a header claims), scrubs NaN/inf, clamps to [-1, 1], downmixes,
// and resamples each block to options.output_sample_rate before the backend
// decodes the next: what it holds is the output at the output's rate and
// channel count, plus one block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/pcm_buffer.h"
#include "audio/resampler.h"
#include "common/status.h"

namespace vox::audio::internal {

// The request field every decoding error names.
inline constexpr const char* kAudioField = "audio";

class DecodeSink {
 public:
  // Checks the stream's rate and channel count against `options`; errors
  // mention `container` ("wav", "mp3", ...) and use field "audio".
  static Result<DecodeSink> Create(long sample_rate, int channels, const DecodeOptions& options,
                                   std::string container);

  // Refuses a stream whose header states a length over the file's limit or
  // over what is left of the budget, before any decoding. `frames` <= 0 means
  // unknown.
  Status CheckClaimedFrames(std::int64_t frames) const;

  // Takes `frames` interleaved frames (resource_exhausted past a limit).
  Status AddInterleaved(const float* data, std::size_t frames);
  // Takes `frames` frames given as one array per channel.
  Status AddPlanar(const float* const* channels, std::size_t frames);

  // Frames decoded so far, at the stream's own rate.
  std::uint64_t frames() const { return frames_; }

  // The decoded buffer, and the budget takes its duration; invalid_argument
  // when nothing was decoded.
  Result<PcmBuffer> Finish() &&;

 private:
  DecodeSink() = default;
  Status CountFrames(std::size_t frames);
  double Seconds(std::uint64_t frames) const;
  // Moves block_ (output channels, stream rate) into out_.
  Status Emit();
  void ReserveOutput();

  std::string container_;
  long rate_ = 0;
  int channels_ = 1;
  std::uint64_t max_frames_ = 0;
  double max_seconds_ = 0;
  DecodeBudget* budget_ = nullptr;
  std::uint64_t frames_ = 0;
  std::optional<Resampler> resampler_;  // when the output rate differs
  std::vector<float> block_;
  PcmBuffer out_;
};

}  // namespace vox::audio::internal
