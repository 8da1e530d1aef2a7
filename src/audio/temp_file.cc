#include "audio/temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <utility>

namespace vox::audio::internal {
namespace {

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(rng()));
  return text;
}

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

Result<TempFile> TempFile::Create(const std::string& dir, const std::string& stem,
                                  bool private_mode) {
  const std::string base = (dir.empty() ? std::string(".") : dir) + "/." + stem + ".";
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string path = base + RandomSuffix() + ".tmp";
    const int fd =
        ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, private_mode ? 0600 : 0666);
    if (fd >= 0) return TempFile(fd, std::move(path));
    if (errno == EEXIST) continue;
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return NotFound("output directory " + dir + " does not exist", "output");
    }
    if (err == EACCES || err == EPERM || err == EROFS) {
      return MakeError(ErrorCode::kPermissionDenied,
                       "cannot create a file in " + dir + ": " + ErrnoText(err), "output");
    }
    return Internal("cannot create a temporary file in " + dir + ": " + ErrnoText(err));
  }
  return Internal("cannot find an unused temporary file name in " + dir);
}

TempFile::TempFile(TempFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::exchange(other.path_, {})) {}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    Discard();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

TempFile::~TempFile() { Discard(); }

void TempFile::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

Status TempFile::CommitTo(const std::string& target) {
  if (fd_ < 0 || path_.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, "temporary file already closed");
  }
  // fsync before rename: otherwise a crash can leave the new name pointing
  // at an empty file on some filesystems.
  if (::fsync(fd_) != 0) {
    const int err = errno;
    Discard();
    return Internal("cannot flush " + target + ": " + ErrnoText(err));
  }
  const int rc = ::close(std::exchange(fd_, -1));
  if (rc != 0) {
    const int err = errno;
    Discard();
    return Internal("cannot close " + target + ": " + ErrnoText(err));
  }
  if (::rename(path_.c_str(), target.c_str()) != 0) {
    const int err = errno;
    Discard();
    return Internal("cannot move the finished file to " + target + ": " + ErrnoText(err));
  }
  path_.clear();
  return {};
}

Status WriteAll(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Internal(std::string("write failed: ") + ErrnoText(errno));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace vox::audio::internal
