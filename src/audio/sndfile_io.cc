#include "audio/sndfile_io.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace vox::audio::internal {

// Seeks clamp to [0, INT64_MAX / 2] so hostile offsets from a parser can
// never overflow the position arithmetic below.
namespace {
constexpr sf_count_t kMaxPos = INT64_MAX / 2;

sf_count_t Resolve(sf_count_t offset, int whence, sf_count_t pos, sf_count_t size) {
  sf_count_t base = whence == SEEK_CUR ? pos : whence == SEEK_END ? size : 0;
  if (offset > kMaxPos - base) return -1;
  const sf_count_t target = base + offset;
  return target < 0 ? -1 : target;
}
}  // namespace

struct MemoryReaderOps {
  static sf_count_t Length(void* user) {
    return static_cast<sf_count_t>(static_cast<MemoryReader*>(user)->bytes_.size());
  }
  static sf_count_t Seek(sf_count_t offset, int whence, void* user) {
    auto* r = static_cast<MemoryReader*>(user);
    const sf_count_t target = Resolve(offset, whence, r->pos_, Length(user));
    if (target < 0) return -1;
    r->pos_ = target;
    return r->pos_;
  }
  static sf_count_t Read(void* ptr, sf_count_t count, void* user) {
    auto* r = static_cast<MemoryReader*>(user);
    const auto size = static_cast<sf_count_t>(r->bytes_.size());
    if (count <= 0 || r->pos_ >= size) return 0;
    const sf_count_t n = std::min(count, size - r->pos_);
    std::memcpy(ptr, r->bytes_.data() + r->pos_, static_cast<std::size_t>(n));
    r->pos_ += n;
    return n;
  }
  static sf_count_t Write(const void*, sf_count_t, void*) { return 0; }
  static sf_count_t Tell(void* user) { return static_cast<MemoryReader*>(user)->pos_; }
};

struct MemoryWriterOps {
  static sf_count_t Length(void* user) {
    return static_cast<sf_count_t>(static_cast<MemoryWriter*>(user)->out_->size());
  }
  static sf_count_t Seek(sf_count_t offset, int whence, void* user) {
    auto* w = static_cast<MemoryWriter*>(user);
    const sf_count_t target = Resolve(offset, whence, w->pos_, Length(user));
    if (target < 0) return -1;
    w->pos_ = target;
    return w->pos_;
  }
  static sf_count_t Read(void* ptr, sf_count_t count, void* user) {
    auto* w = static_cast<MemoryWriter*>(user);
    const auto size = static_cast<sf_count_t>(w->out_->size());
    if (count <= 0 || w->pos_ >= size) return 0;
    const sf_count_t n = std::min(count, size - w->pos_);
    std::memcpy(ptr, w->out_->data() + w->pos_, static_cast<std::size_t>(n));
    w->pos_ += n;
    return n;
  }
  static sf_count_t Write(const void* ptr, sf_count_t count, void* user) {
    auto* w = static_cast<MemoryWriter*>(user);
    if (count <= 0) return 0;
    const auto end = static_cast<std::size_t>(w->pos_ + count);
    if (end > w->out_->size()) w->out_->resize(end);  // a seek past the end zero-fills
    std::memcpy(w->out_->data() + w->pos_, ptr, static_cast<std::size_t>(count));
    w->pos_ += count;
    return count;
  }
  static sf_count_t Tell(void* user) { return static_cast<MemoryWriter*>(user)->pos_; }
};

SF_VIRTUAL_IO* MemoryReader::Callbacks() {
  static SF_VIRTUAL_IO io = {MemoryReaderOps::Length, MemoryReaderOps::Seek, MemoryReaderOps::Read,
                             MemoryReaderOps::Write, MemoryReaderOps::Tell};
  return &io;
}

SF_VIRTUAL_IO* MemoryWriter::Callbacks() {
  static SF_VIRTUAL_IO io = {MemoryWriterOps::Length, MemoryWriterOps::Seek, MemoryWriterOps::Read,
                             MemoryWriterOps::Write, MemoryWriterOps::Tell};
  return &io;
}

std::string SndFileError(SNDFILE* file) {
  const char* message = sf_strerror(file);
  return message != nullptr && *message != '\0' ? message : "unknown libsndfile error";
}

}  // namespace vox::audio::internal
