// Internal: one libsndfile encoder session writing to memory or a file
// descriptor, shared by Encode() and AudioFileWriter so both emit the same
// bytes.
//
// Samples go in as float; lossless formats are converted to 16-bit here with
// FloatToPcm16 (libsndfile would scale by 32767 on write but 1/32768 on read,
// an asymmetry that breaks exact round trips), lossy ones are clamped to
// [-1, 1] first because LAME and Opus wrap or distort beyond full scale.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "audio/encode_options.h"
#include "audio/sndfile_io.h"
#include "common/status.h"

namespace vox::audio::internal {

class SndEncoder {
 public:
  // Encodes into `*out` (kept alive by the caller until Close()).
  static Result<std::unique_ptr<SndEncoder>> ToMemory(std::string* out,
                                                      const EncodeOptions& options, int rate,
                                                      int channels);
  // Encodes into `fd` from its current offset; the fd stays open. A pipe or
  // terminal works too: libsndfile then writes headers it cannot patch later.
  static Result<std::unique_ptr<SndEncoder>> ToFd(int fd, const EncodeOptions& options, int rate,
                                                  int channels);

  SndEncoder(const SndEncoder&) = delete;
  SndEncoder& operator=(const SndEncoder&) = delete;
  ~SndEncoder() = default;  // closes without reporting errors

  // Appends interleaved frames at the rate and channel count given at open.
  Status Write(std::span<const float> interleaved);

  // Flushes the codec and finalizes headers. Further calls return OK.
  Status Close();

  std::uint64_t frames_written() const { return frames_written_; }

 private:
  SndEncoder(Format format, int channels) : format_(format), channels_(channels) {}
  static Result<std::unique_ptr<SndEncoder>> Open(std::unique_ptr<SndEncoder> encoder,
                                                  std::string* memory, int fd,
                                                  const EncodeOptions& options, int rate);
  Status Configure(const EncodeOptions& options, int rate);

  Format format_;
  int channels_;
  std::uint64_t frames_written_ = 0;
  std::unique_ptr<MemoryWriter> memory_;  // must outlive file_, hence declared first
  SndFilePtr file_;
  std::vector<std::int16_t> pcm16_;
  std::vector<float> clamped_;
};

}  // namespace vox::audio::internal
