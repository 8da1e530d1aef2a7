// Internal: libsndfile virtual I/O over memory, and an owning SNDFILE handle.
//
// libsndfile reaches memory only through SF_VIRTUAL_IO callbacks; these two
// adapters keep the callbacks in one place. Neither is thread-safe.
#pragma once

#include <sndfile.h>

#include <memory>
#include <string>
#include <string_view>

namespace vox::audio::internal {

struct SndFileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndFilePtr = std::unique_ptr<SNDFILE, SndFileCloser>;

// Read-only view over bytes the caller keeps alive while the SNDFILE is open.
class MemoryReader {
 public:
  explicit MemoryReader(std::string_view bytes) : bytes_(bytes) {}
  static SF_VIRTUAL_IO* Callbacks();

 private:
  friend struct MemoryReaderOps;
  std::string_view bytes_;
  sf_count_t pos_ = 0;
};

// Seekable, growable write target (encoders seek back to patch headers).
class MemoryWriter {
 public:
  explicit MemoryWriter(std::string* out) : out_(out) {}
  static SF_VIRTUAL_IO* Callbacks();

 private:
  friend struct MemoryWriterOps;
  std::string* out_;
  sf_count_t pos_ = 0;
};

// The message for the last error on `file` (or on the last failed open when
// null), never empty. libsndfile keeps the failed-open error in a global, so
// concurrent failing opens may swap messages; the error codes we return are
// decided by our own checks, not by this text.
std::string SndFileError(SNDFILE* file);

}  // namespace vox::audio::internal
