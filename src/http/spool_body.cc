#include "http/spool_body.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace vox::http {

SpoolBuffer::SpoolBuffer(SpoolBuffer&& other) noexcept
    : memory_limit_(other.memory_limit_),
      dir_(std::move(other.dir_)),
      memory_(std::move(other.memory_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(std::exchange(other.size_, 0)),
      map_(std::exchange(other.map_, nullptr)) {}

SpoolBuffer::~SpoolBuffer() {
  if (map_) ::munmap(map_, size_);
  if (fd_ >= 0) ::close(fd_);
}

Status SpoolBuffer::WriteAll(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Unavailable(std::string("spooling a request body: ") + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status SpoolBuffer::Spill() {
  std::string path = dir_ + "/vox-body-XXXXXX";
  fd_ = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd_ < 0) {
    return Unavailable("cannot create a temporary file in " + dir_ + ": " + std::strerror(errno));
  }
  ::unlink(path.c_str());  // nothing to clean up, whatever happens to the process
  VOX_RETURN_IF_ERROR(WriteAll(memory_));
  std::string().swap(memory_);
  return {};
}

Status SpoolBuffer::Append(std::string_view data) {
  if (map_) return Internal("the body was already mapped");
  Status written;
  if (fd_ < 0 && memory_.size() + data.size() > memory_limit_) written = Spill();
  if (written && fd_ >= 0) {
    written = WriteAll(data);
  } else if (written) {
    memory_.append(data);
  }
  if (!written) {
    error_ = written.error().message;
    return written;
  }
  size_ += data.size();
  return {};
}

Result<std::string_view> SpoolBuffer::View() {
  if (fd_ < 0) return std::string_view(memory_);
  if (size_ == 0) return std::string_view();
  if (!map_) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) {
      return Unavailable(std::string("mapping a spooled request body: ") + std::strerror(errno));
    }
    map_ = p;
  }
  return std::string_view(static_cast<const char*>(map_), size_);
}

}  // namespace vox::http
