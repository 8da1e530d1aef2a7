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
//
// Memory: a decode holds one block at the file's own rate and channel count
// (a few thousand frames) plus its output. With `output_sample_rate` set (and
// `mix_to_mono`), each block is downmixed and resampled as it is decoded, so
// the output, and so the memory, is bounded by max_seconds at that rate and
// channel count whatever the file declares: 600 s at 16 kHz mono is 38 MB,
// where 600 s at 192 kHz x 8 channels would be 3.7 GB.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio {

// Decoded seconds that several decodes share: all the recordings of one
// upload. Each decode counts its samples against what the earlier ones took
// and stops (resource_exhausted) the moment the total passes the limit; a
// decode that succeeds then takes what it decoded. A failed decode takes
// nothing. Not thread-safe: the files of one upload decode one at a time.
class DecodeBudget {
 public:
  // `scope` names what the budget covers in errors (plural): "the recordings in files".
  DecodeBudget(double limit_seconds, std::string scope)
      : limit_seconds_(limit_seconds), scope_(std::move(scope)) {}

  double limit_seconds() const { return limit_seconds_; }
  double used_seconds() const { return used_seconds_; }
  const std::string& scope() const { return scope_; }
  void Take(double seconds) { used_seconds_ += seconds; }

 private:
  double limit_seconds_;
  std::string scope_;
  double used_seconds_ = 0;
};

struct DecodeOptions {
  std::size_t max_bytes = 64u << 20;  // input size; larger -> resource_exhausted
  double max_seconds = 600.0;         // decoded duration; longer -> resource_exhausted
  // The stream's channel count and rate are checked against these before
  // any sample is decoded (invalid_argument).
  int max_channels = 8;
  int min_sample_rate = 4000;
  int max_sample_rate = 192000;
  bool mix_to_mono = false;  // downmix while decoding (uses 1/channels of the memory)
  // 0 keeps the file's rate. Otherwise 8000..48000 (ValidateSampleRate): each
  // decoded block is resampled to it (soxr HQ, the same output as Resample()
  // of the whole file, clamped to [-1, 1]) before the next is decoded.
  int output_sample_rate = 0;
  // Shared across decodes (see DecodeBudget); null: only max_seconds applies.
  // Must outlive the call.
  DecodeBudget* budget = nullptr;
};

// Container detected from magic bytes: "wav", "aiff", "flac", "ogg", "mp3",
// "webm" (any Matroska), "mp4" (any ISO media file starting with an ftyp box:
// MP4, M4A, 3GP, MOV), or "" when unrecognized.
std::string_view SniffContainer(std::string_view bytes);

// Decodes a complete file image. Errors (all with field "audio"):
// invalid_argument for empty, unrecognized, corrupt or truncated input and
// for absurd headers; resource_exhausted when over a limit (the budget's
// included). An output_sample_rate out of range is invalid_argument on
// "sample_rate": the caller's mistake, not the file's.
Result<PcmBuffer> Decode(std::string_view bytes, const DecodeOptions& options = {});

// Reads `path` (refusing files over max_bytes before reading) and decodes it.
// A missing file is not_found.
Result<PcmBuffer> DecodeFile(const std::string& path, const DecodeOptions& options = {});

// Interprets headerless signed 16-bit little-endian samples.
Result<PcmBuffer> DecodeRawPcm(std::string_view bytes, int sample_rate, int channels = 1,
                               const DecodeOptions& options = {});

// Interprets headerless 8-bit G.711 mono at `sample_rate` (what `ulaw`/`alaw` answers carry):
// libsndfile reads it behind a canonical WAV header.
enum class G711Law { kMu, kA };
Result<PcmBuffer> DecodeG711(std::string_view bytes, G711Law law, int sample_rate,
                             const DecodeOptions& options = {});

}  // namespace vox::audio
