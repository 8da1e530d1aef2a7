// StreamEncoder: PCM blocks in, bytes of an audio stream out, as soon as the codec has them.
//
// For responses sent while they are synthesized (chunked HTTP, SSE): nothing is ever
// patched afterwards, so every header is written with what is known up front. WAV carries
// 0xFFFFFFFF as its RIFF and data lengths (readers take "until the end"); FLAC's STREAMINFO
// has 0 (unknown) total samples and MD5; MP3 has no Xing frame; Ogg/Opus pages and FLAC and
// AAC frames leave as each input block is encoded.
//
//   auto enc = StreamEncoder::Create({StreamFormat::kMp3}, 16000);
//   std::string bytes;
//   VOX_RETURN_IF_ERROR((*enc)->Write(chunk, bytes));   // bytes: whatever is ready (maybe none)
//   VOX_RETURN_IF_ERROR((*enc)->Finish(bytes));
//
// Formats: raw PCM (s16le), WAV, MP3 (LAME), Ogg/Opus, FLAC and AAC (ADTS) through ffmpeg's
// libavcodec/libavformat, and G.711 mu-law/A-law (raw, 8 kHz). Input is mono float at the
// rate given to Create(); it is resampled (soxr, streaming) to output_sample_rate().
// Not thread-safe: one encoder per stream.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audio/pcm_buffer.h"
#include "audio/resampler.h"
#include "common/status.h"

namespace vox::audio {

enum class StreamFormat { kPcm, kWav, kMp3, kOpus, kFlac, kAac, kUlaw, kAlaw };

// "pcm" (alias "raw"), "wav", "mp3", "opus" (alias "ogg"), "flac", "aac", "ulaw" (alias
// "mulaw"), "alaw"; case-insensitive. The error names field "format" and lists them.
Result<StreamFormat> ParseStreamFormat(std::string_view text);
const char* StreamFormatName(StreamFormat format);
// "audio/L16;rate=N" (pcm), "audio/wav", "audio/mpeg", "audio/ogg", "audio/flac", "audio/aac",
// "audio/basic" (mu-law, 8 kHz), "audio/x-alaw-basic".
std::string StreamContentType(StreamFormat format, int sample_rate);

struct StreamEncoderOptions {
  StreamFormat format = StreamFormat::kPcm;
  // 0: the input rate, moved to a rate the codec takes (up, to keep the bandwidth: 22050 ->
  // 24000 for Opus). G.711 is always 8000. An explicit rate the codec cannot take is an
  // error naming "sample_rate".
  int sample_rate = 0;
  int bitrate_kbps = 0;  // MP3, Opus, AAC; 0: the format's default
};

// The rate a stream of `options` will have for input at `input_rate`.
Result<int> StreamSampleRate(const StreamEncoderOptions& options, int input_rate);

class StreamEncoder {
 public:
  static Result<std::unique_ptr<StreamEncoder>> Create(const StreamEncoderOptions& options,
                                                       int input_rate);
  virtual ~StreamEncoder();

  // Encodes a block (mono, at the input rate) and appends the bytes now ready to `out`.
  Status Write(const PcmBuffer& pcm, std::string& out);
  // Flushes the resampler and the codec; appends the rest. Call once, last.
  Status Finish(std::string& out);

  int output_sample_rate() const { return output_rate_; }
  double output_seconds() const { return static_cast<double>(frames_) / output_rate_; }

 protected:
  explicit StreamEncoder(int output_rate) : output_rate_(output_rate) {}
  // Mono samples at the output rate.
  virtual Status Encode(std::span<const float> samples, std::string& out) = 0;
  virtual Status Flush(std::string& out) = 0;

 private:
  int output_rate_;
  std::optional<Resampler> resampler_;
  std::vector<float> resampled_;
  uint64_t frames_ = 0;
  bool finished_ = false;
};

namespace internal {
// ffmpeg_encoder.cc: MP3, Opus, FLAC and AAC.
Result<std::unique_ptr<StreamEncoder>> OpenFfmpegStreamEncoder(StreamFormat format, int rate,
                                                               int bitrate_kbps);
}  // namespace internal

}  // namespace vox::audio
