// SpoolBody: a Beast Body for large uploads. The first `memory_limit` bytes
// of a request body stay in memory; past that the body goes to a temporary
// file that is unlinked the moment it is created (a crash, a kill -9 or a
// vanished client leaves nothing on disk) and is mapped read-only once
// complete, so a handler still sees the body as one contiguous view while the
// process holds no more than `memory_limit` of it in anonymous memory: the
// pages are the kernel's page cache, reclaimable under pressure.
#pragma once

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::http {

class SpoolBuffer {
 public:
  SpoolBuffer(size_t memory_limit, std::string dir)
      : memory_limit_(memory_limit), dir_(std::move(dir)) {}
  SpoolBuffer(SpoolBuffer&& other) noexcept;
  SpoolBuffer& operator=(SpoolBuffer&&) = delete;
  SpoolBuffer(const SpoolBuffer&) = delete;
  ~SpoolBuffer();

  // Appends `data`, spilling to the file when the memory limit is passed.
  Status Append(std::string_view data);
  uint64_t size() const { return size_; }
  bool spilled() const { return fd_ >= 0; }
  // The whole body, valid while this lives. Maps the file on the first call.
  Result<std::string_view> View();
  // Why the last Append failed (a full disk, an unwritable directory).
  const std::string& error() const { return error_; }

 private:
  Status Spill();
  Status WriteAll(std::string_view data);

  size_t memory_limit_;
  std::string dir_;
  std::string memory_;
  int fd_ = -1;
  uint64_t size_ = 0;
  void* map_ = nullptr;
  std::string error_;
};

struct SpoolBody {
  using value_type = SpoolBuffer;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t n = 0;
      for (auto b : boost::beast::buffers_range_ref(buffers)) {
        if (!body_.Append({static_cast<const char*>(b.data()), b.size()})) {
          ec = boost::beast::errc::make_error_code(boost::beast::errc::io_error);
          return n;  // the connection answers 503 with body_.error()
        }
        n += b.size();
      }
      ec = {};
      return n;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace vox::http
