// Decoding the recordings of one voice upload under the request's limits.
//
// Compressed audio is small and decoded audio is not: a 1 MB FLAC of
// silence can declare 30 minutes at 192 kHz x 8 channels, gigabytes once
// decoded, and one request may carry many such parts. So the files of a
// field are decoded one at a time, each block is downmixed to mono and
// resampled to the working rate (voice::PreprocessOptions::kSampleRate, what
// preprocessing would convert to anyway) as it is decoded, and every decoded
// sample counts against one budget of seconds for the whole field: decoding
// stops at the first block past it. Memory is bounded by that budget at
// 16 kHz mono (600 s: 38 MB), whatever rate and channel count a file states.
// Channels and rate are checked from the header before any sample is decoded.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::cloning {

struct UploadedAudio {
  std::string filename;    // as the client named it (for messages only)
  std::string_view bytes;  // must outlive the call
};

struct UploadLimits {
  std::size_t max_file_bytes = 50u << 20;  // each file, compressed
  double max_seconds = 600.0;              // decoded audio, all files of the field together
  // Real recordings are mono or stereo at 8..96 kHz; these bounds leave room
  // for studio and surround files and refuse absurd headers before decoding.
  int max_channels = 8;
  int min_sample_rate = 4000;
  int max_sample_rate = 192000;
};

// Decodes `files` in order to mono buffers at the working rate. Errors carry
// `field` and a message starting "field[i] (filename): ": kUnprocessable for
// audio that cannot be decoded or is over a limit (a file's size, a channel
// count or rate, the field's seconds); kInternal and kUnavailable pass through.
Result<std::vector<audio::PcmBuffer>> DecodeUploads(std::span<const UploadedAudio> files,
                                                    std::string_view field,
                                                    const UploadLimits& limits);

// An audio problem as the API reports it: 422 naming the upload field, the
// message prefixed by `what` ("files[2] (b.wav)", or the field itself).
Error AudioError(Error e, std::string_view field, std::string_view what);

}  // namespace vox::cloning
