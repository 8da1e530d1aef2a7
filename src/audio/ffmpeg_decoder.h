// Internal: WebM/Matroska and MP4/M4A decoding through the ffmpeg libraries.
//
// Browsers record WebM (Opus, sometimes Vorbis) and phones record M4A (AAC);
// libsndfile reads neither. ffmpeg parses hundreds of formats, most of which a
// hostile upload should never reach, so this adapter narrows it down:
//   - the demuxer is chosen by our own sniffing (no probing) and pinned with
//     format_whitelist ("matroska" or "mov");
//   - only the native opus, vorbis and aac decoders may run (codec_whitelist,
//     and the stream's codec is checked before a decoder is opened);
//   - input comes from memory through a custom AVIOContext, and every attempt
//     to open another resource (MP4 data references, playlists) is refused;
//   - the stream's channel count and rate are checked before the decoder is
//     opened, and the duration limit is enforced on decoded samples;
//   - ffmpeg's logging is silenced process-wide (a damaged file would
//     otherwise print a line per bad packet to stderr);
//   - every single ffmpeg allocation is capped at 64 MB process-wide
//     (av_max_alloc): MP4 tables are sized from counts the file declares.
// Every error a file can cause is invalid_argument (or resource_exhausted
// over a limit) with field "audio".
#pragma once

#include <string_view>

#include "audio/decode.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio::internal {

enum class FfmpegContainer { kMatroska, kMp4 };

// Decodes the first audio stream of a WebM/Matroska or MP4/M4A/MOV file image.
Result<PcmBuffer> DecodeWithFfmpeg(std::string_view bytes, FfmpegContainer container,
                                   const DecodeOptions& options);

}  // namespace vox::audio::internal
