// Internal: the Beast body type for Response: a string, a slice of an open file, or a
// BodyStream (the serializer runs split: header first, then each chunk as the producer makes
// it; "nothing yet" is http::error::need_buffer, after which the connection waits for
// `on_ready` and writes again).
// One body type keeps one message/serializer type per connection.
#pragma once

#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "http/body_stream.h"

namespace vox::http::internal {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct ResponseBody {
  struct value_type {
    std::string data;  // used when fd is not open
    UniqueFd fd;       // open: stream [offset, offset + length) of the file
    uint64_t offset = 0;
    uint64_t length = 0;
    std::shared_ptr<BodyStream> stream;  // set: the body comes from here
    std::function<void()> on_ready;      // the connection's wake-up for BodyStream::Pop
  };

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;
    static constexpr size_t kChunk = 64 * 1024;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      pos_ = body_.offset;
      remaining_ = body_.fd.get() >= 0 ? body_.length : 0;
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (body_.stream) return GetStream(ec);
      if (body_.fd.get() < 0) {
        if (sent_ || body_.data.empty()) return boost::none;
        sent_ = true;
        return {{boost::asio::buffer(body_.data), false}};
      }
      if (remaining_ == 0) return boost::none;
      if (!chunk_) chunk_ = std::make_unique<char[]>(kChunk);
      size_t want = remaining_ < kChunk ? static_cast<size_t>(remaining_) : kChunk;
      ssize_t n;
      do {
        n = ::pread(body_.fd.get(), chunk_.get(), want, static_cast<off_t>(pos_));
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {  // read error, or the file shrank under us: the length already sent is a lie
        ec = n == 0 ? boost::beast::error_code(boost::asio::error::eof)
                    : boost::beast::error_code(errno, boost::system::system_category());
        return boost::none;
      }
      pos_ += static_cast<uint64_t>(n);
      remaining_ -= static_cast<uint64_t>(n);
      return {{const_buffers_type(chunk_.get(), static_cast<size_t>(n)), remaining_ > 0}};
    }

   private:
    boost::optional<std::pair<const_buffers_type, bool>> GetStream(boost::beast::error_code& ec) {
      switch (body_.stream->Pop(current_, body_.on_ready)) {
        case BodyStream::Next::kData:
          return {{boost::asio::buffer(current_), true}};
        case BodyStream::Next::kWait:
          ec = boost::beast::http::error::need_buffer;
          return boost::none;
        case BodyStream::Next::kEnd:
          return boost::none;
        case BodyStream::Next::kAborted:
          ec = boost::asio::error::operation_aborted;
          return boost::none;
      }
      return boost::none;
    }

    const value_type& body_;
    std::string current_;  // the chunk being written (valid until the next get)
    bool sent_ = false;
    uint64_t pos_ = 0;
    uint64_t remaining_ = 0;
    std::unique_ptr<char[]> chunk_;
  };
};

}  // namespace vox::http::internal
