// One Wyoming client connection (server.h): reads events on its strand,
// hands them in order to a Session on the synthesis pool, writes what the
// session sends. Internal to the server.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "wyoming/event.h"
#include "wyoming/session.h"

namespace vox::wyoming {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `pool` runs the session; `on_close` is called once, from the destructor.
  Connection(boost::asio::ip::tcp::socket socket, const SessionContext& context,
             boost::asio::thread_pool& pool, std::function<void()> on_close);
  ~Connection();

  void Start();
  // Cancels the synthesis and closes the socket. Any thread; idempotent.
  void Close();
  // A synthesis is running or queued, or output is still waiting to be written.
  bool busy() const;

 private:
  struct Work {
    Event event;
    std::optional<Error> error;  // a protocol error to report instead of handling `event`
    bool close_after = false;    // report it, flush, then close
  };

  void ReadHeader();
  void ReadBody(EventHeader header);
  void OnEvent(EventHeader header, std::string_view body);
  // Queues work for the session (the strand); false when reading must pause.
  bool Enqueue(Work work);
  void ArmIdleTimer();
  void RunSession();                // on the pool
  Status Send(Event&& event);       // on the pool: blocks while too much output waits
  void StartWrite();                // on the strand
  void Drain();                     // on the strand: reads and drops input until closed
  void ProtocolError(Error error);  // reported in order, then the connection closes

  const SessionContext& context_;
  const WyomingConfig& config_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer write_timer_;
  boost::asio::thread_pool& pool_;
  std::function<void()> on_close_;
  Session session_;                       // used by one pool thread at a time (worker_running_)
  std::string inbuf_;                     // strand only
  std::string writing_;                   // strand only: bytes of the write in flight
  std::atomic<bool> read_paused_{false};  // set on the strand, cleared from the pool
  std::array<char, 4096> scratch_;        // strand only: dropped input after an error
  std::atomic<bool> canceled_{false};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Work> work_;           // guarded by mu_
  bool worker_running_ = false;     // guarded by mu_
  std::string outq_;                // guarded by mu_: serialized events not yet written
  size_t out_bytes_ = 0;            // guarded by mu_: outq_ + writing_
  bool closed_ = false;             // guarded by mu_
  bool close_after_flush_ = false;  // guarded by mu_
};

}  // namespace vox::wyoming
