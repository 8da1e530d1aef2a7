// Internal: a uniquely named file that deletes itself unless committed.
//
// Used by AudioFileWriter so an interrupted or failed run never leaves a
// partial output under the final name: audio goes to a temporary file in the
// target's directory (same filesystem, so the final rename is atomic) and is
// renamed over the target only once complete.
#pragma once

#include <string>

#include "common/status.h"

namespace vox::audio::internal {

class TempFile {
 public:
  // Creates "<dir>/.<stem>.<random>.tmp" exclusively, mode 0666 & ~umask
  // (0600 when `private_mode`), open for read and write.
  static Result<TempFile> Create(const std::string& dir, const std::string& stem,
                                 bool private_mode = false);

  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();  // closes and removes unless committed

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // fsyncs, closes and renames over `target`; afterwards the destructor
  // leaves the file alone.
  Status CommitTo(const std::string& target);

  // Closes and deletes now (idempotent).
  void Discard();

 private:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::string path_;
};

// Writes all of `size` bytes to `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, const void* data, std::size_t size);

}  // namespace vox::audio::internal
