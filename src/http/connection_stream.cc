// Connection: responses whose body is a BodyStream (chunked, written as it is produced).
//
// The serializer runs split: the header leaves at once, then each chunk when the producer
// queues it. While the producer has nothing, the connection waits without a deadline (how
// long a chunk takes to make is the handler's business) but keeps one read pending on the
// socket, so a client that goes away is noticed now rather than at the next write: the
// stream is canceled and the producer stops.
#include <boost/asio/post.hpp>

#include "http/connection.h"

namespace vox::http::internal {
namespace {
constexpr size_t kWatchChunk = 4096;
}

void Connection::StartStream() {
  streaming_ = true;
  stream_ready_ = false;
  serializer_->split(true);
  std::weak_ptr<Connection> weak = shared_from_this();
  response_.body().on_ready = [weak, io = shared_->io, strand = strand_] {
    auto alive = io.lock();  // posting needs the io_context; a stopped server ignores it
    if (!alive) return;
    asio::post(strand, [weak] {
      if (auto self = weak.lock()) self->OnStreamReady();
    });
  };
  WatchPeer();
  WriteSome();
}

void Connection::OnStreamReady() {
  stream_ready_ = true;
  if (phase_ != Phase::kStreamWait) return;  // a write is in flight; OnWrite sees the flag
  phase_ = Phase::kWrite;
  WriteSome();
}

void Connection::WatchPeer() {
  watching_ = true;
  stream_.async_read_some(
      buffer_.prepare(kWatchChunk),
      [self = shared_from_this()](error_code ec, size_t n) { self->OnPeerRead(ec, n); });
}

void Connection::OnPeerRead(error_code ec, size_t n) {
  watching_ = false;
  if (phase_ == Phase::kClosed) return;
  if (!ec) buffer_.commit(n);  // a pipelined next request: kept for ReadNextRequest
  if (after_watch_) {
    after_watch_ = false;
    return AfterResponse();
  }
  if (ec) {  // EOF or reset while the body is still being produced: the client is gone
    Report();
    return Close();
  }
  // Bytes of a pipelined request: nothing more is watched; a disconnect now shows up as a
  // failed write instead.
}

}  // namespace vox::http::internal
