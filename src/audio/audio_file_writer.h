// Streaming encoder to a file (or stdout) with bounded memory.
//
//   auto writer = AudioFileWriter::Open("out.mp3", options, 22050);
//   for (each synthesized sentence) VOX_RETURN_IF_ERROR((*writer)->Write(chunk));
//   VOX_RETURN_IF_ERROR((*writer)->Finish());
//
// Audio is resampled on the fly (soxr, streaming) to OutputSampleRate() and
// encoded into a temporary file beside the target, which Finish() renames over
// the target. If any call fails, or the writer is destroyed before Finish(),
// the temporary file is removed: a failed run never leaves a partial file.
// Memory stays bounded by the chunk size, whatever the total length.
//
// Loudness normalization (options.target_lufs) needs the loudness of the whole
// output before the first sample can be scaled, so it takes two passes: Write()
// spools resampled float samples to a second temporary file while feeding an
// EBU R128 meter, and Finish() computes the gain (loudness.h), then streams the
// spool back in blocks, applying the gain and encoding. Cost: disk space of
// 4 bytes per output sample and one extra sequential read.
//
// The output bytes equal Encode() of the concatenated chunks with the same
// options. Path "-" writes to stdout instead (no atomic rename there: a
// failure mid-way leaves what was already written; WAV and FLAC headers
// cannot be patched on a pipe, so their length fields stay unset).
//
// Not thread-safe: one writer per output, used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/encode_options.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio {

namespace internal {
class SndEncoder;
class TempFile;
}  // namespace internal
class LoudnessMeter;
class Resampler;

class AudioFileWriter {
 public:
  // Prepares to write `path` for input chunks at `input_sample_rate` with
  // `channels` channels. Fails early on bad options (named field), a missing
  // directory (not_found, field "output") or an encoder that rejects the setup.
  static Result<std::unique_ptr<AudioFileWriter>> Open(const std::string& path,
                                                       const EncodeOptions& options,
                                                       int input_sample_rate, int channels = 1);

  AudioFileWriter(const AudioFileWriter&) = delete;
  AudioFileWriter& operator=(const AudioFileWriter&) = delete;
  ~AudioFileWriter();  // without a successful Finish(), removes everything it wrote

  // Appends a chunk; its sample rate and channel count must match Open().
  // After any error the writer is failed: its files are gone and every later
  // call returns failed_precondition.
  Status Write(const PcmBuffer& chunk);

  // Flushes, applies loudness normalization if asked, finalizes the file and
  // moves it into place.
  Status Finish();

  int output_sample_rate() const { return output_rate_; }
  // Frames handed to the encoder so far (at the output rate).
  std::uint64_t output_frames() const { return output_frames_; }
  // The normalization gain Finish() applied, if normalization was requested.
  std::optional<double> applied_gain_db() const { return applied_gain_db_; }

 private:
  AudioFileWriter();
  Status Consume(const std::vector<float>& samples);
  Status EncodeSpool();
  Status Fail(Error error);

  enum class State { kOpen, kFinished, kFailed };

  std::string path_;
  EncodeOptions options_;
  int input_rate_ = 0;
  int channels_ = 1;
  int output_rate_ = 0;
  State state_ = State::kOpen;
  Error failure_;
  std::uint64_t output_frames_ = 0;
  std::optional<double> applied_gain_db_;
  std::vector<float> scratch_;

  // Declaration order matters: the encoder is destroyed before the files.
  std::unique_ptr<internal::TempFile> output_file_;  // null when writing to stdout
  std::unique_ptr<internal::TempFile> spool_;        // only when normalizing
  std::unique_ptr<LoudnessMeter> meter_;             // only when normalizing
  std::unique_ptr<Resampler> resampler_;
  std::unique_ptr<internal::SndEncoder> encoder_;
};

}  // namespace vox::audio
