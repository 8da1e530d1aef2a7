// Decoding of untrusted audio files (uploads, voice samples) into PcmBuffer.
//
// Accepts WAV (PCM/float/A-law/u-law, RIFF/RF64), AIFF, FLAC and Ogg/Opus
// through libsndfile, MP3 through libmpg123 and Ogg/Vorbis through
// libvorbisfile (see mp3_decoder.h and vorbis_decoder.h for why those two
// bypass libsndfile), and WebM/Matroska (Opus, Vorbis) and MP4/M4A (AAC)
// through a narrowed-down ffmpeg (ffmpeg_decoder.h). Anything else (Ogg/FLAC,
// Speex, raw codec streams, other codecs inside WebM/MP4) is refused by
// sniffing the magic bytes, or the codec id, before any codec parser runs.
//
// Hostile input is expected: every header value is checked against
// DecodeOptions before samples are read, output grows only as samples are
// actually decoded (never from a size the header claims), and no input can
// crash the process.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio {

struct DecodeOptions {
  std::size_t max_bytes = 64u << 20;  // input size; larger -> resource_exhausted
  double max_seconds = 600.0;         // decoded duration; longer -> resource_exhausted
  int max_channels = 8;
  int min_sample_rate = 4000;
  int max_sample_rate = 192000;
  bool mix_to_mono = false;  // downmix while decoding (uses 1/channels of the memory)
};

// Container detected from magic bytes: "wav", "aiff", "flac", "ogg", "mp3",
// "webm" (any Matroska), "mp4" (any ISO media file starting with an ftyp box:
// MP4, M4A, 3GP, MOV), or "" when unrecognized.
std::string_view SniffContainer(std::string_view bytes);

// Decodes a complete file image. Errors (all with field "audio"):
// invalid_argument for empty, unrecognized, corrupt or truncated input and
// for absurd headers; resource_exhausted when over a limit.
Result<PcmBuffer> Decode(std::string_view bytes, const DecodeOptions& options = {});

// Reads `path` (refusing files over max_bytes before reading) and decodes it.
// A missing file is not_found.
Result<PcmBuffer> DecodeFile(const std::string& path, const DecodeOptions& options = {});

// Interprets headerless signed 16-bit little-endian samples.
Result<PcmBuffer> DecodeRawPcm(std::string_view bytes, int sample_rate, int channels = 1,
                               const DecodeOptions& options = {});

}  // namespace vox::audio
