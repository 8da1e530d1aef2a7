// BodyStream: a response body written while it is being sent (chunked transfer encoding).
//
//   auto stream = std::make_shared<BodyStream>();
//   Response r;
//   r.headers.Set("Content-Type", "audio/mpeg");
//   r.stream = stream;
//   respond(std::move(r));                       // the header leaves now
//   pool.post([stream] {                         // produce on your own executor
//     while (more && stream->Write(NextBytes())) {}
//     ok ? stream->Finish() : stream->Abort();
//   });
//
// The producer is one thread of the caller's (never an io thread: Write blocks). Each Write
// becomes one chunk on the wire. Backpressure: Write blocks while `max_buffered_bytes` wait
// to be sent, so a slow reader slows the producer instead of growing memory; a reader that
// never reads stalls the socket until the server's write_timeout closes the connection, and
// a Write that can make no progress for `stall_timeout` gives up either way.
// canceled() turns true as soon as the connection is gone (the client disconnected, a write
// timed out, the server stopped): poll it between pieces of work and stop producing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace vox::http {

class BodyStream {
 public:
  explicit BodyStream(size_t max_buffered_bytes = 256 * 1024,
                      std::chrono::milliseconds stall_timeout = std::chrono::seconds(60));
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;

  // --- producer (any one thread that may block) ---
  // Queues `data` (empty data is ignored). Blocks while the buffer is full. False when the
  // stream takes no more: canceled, already ended, or stalled for stall_timeout (which also
  // cancels it).
  bool Write(std::string data);
  // Ends the body: what is queued is sent, then the terminating chunk.
  void Finish();
  // Ends the body as failed: the connection is closed without the terminating chunk, so the
  // client sees a truncated response rather than a complete one.
  void Abort();
  // True once the consumer is gone; Write returns false from then on.
  bool canceled() const;

  // --- consumer (the HTTP core) ---
  enum class Next { kData, kWait, kEnd, kAborted };
  // kData: `out` holds the next chunk. kWait: nothing yet; `on_ready` is called once (from the
  // producer's thread) when that changes. kEnd / kAborted: the producer ended the stream.
  Next Pop(std::string& out, std::function<void()> on_ready);
  // The connection is gone: wakes and refuses the producer. Idempotent.
  void Cancel();

 private:
  void Wake(std::unique_lock<std::mutex>& lock);

  const size_t max_buffered_bytes_;
  const std::chrono::milliseconds stall_timeout_;
  mutable std::mutex mu_;
  std::condition_variable room_;
  std::deque<std::string> queue_;
  size_t buffered_ = 0;
  bool finished_ = false;
  bool aborted_ = false;
  bool canceled_ = false;
  std::function<void()> on_ready_;
};

}  // namespace vox::http
