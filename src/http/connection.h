// Internal: one accepted TCP connection, a state machine on its own strand.
//
// read header -> route -> (100 Continue) -> read body -> handler -> write -> next request.
// One request at a time per connection: pipelined bytes wait in the buffer until the previous
// response is written, which keeps ordering trivially correct.
//
// Lifetime: the connection is owned by shared_ptrs held by pending asio operations and by the
// ResponseSlot of an in-flight request. It never owns the io_context (that would make a cycle
// through the io_context's queue); the ResponseSlot does, so a late Responder can still post.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/config.h"
#include "http/request.h"
#include "http/request_log.h"
#include "http/router.h"
#include "http/spool_body.h"
#include "http/tls_context.h"
#include "http/transport.h"
#include "http/wire_response.h"

namespace vox::http::internal {

namespace asio = boost::asio;
using Strand = asio::strand<asio::io_context::executor_type>;
using Clock = std::chrono::steady_clock;

class Connection;

// State shared by the server and its connections; immutable after start except where noted.
struct ServerShared {
  HttpServerConfig config;
  Router router;
  RequestObserver observer;
  std::unique_ptr<TlsContext> tls;  // set when config has a certificate: every connection is TLS
  std::weak_ptr<asio::io_context> io;

  std::mutex mu;               // guards the members below
  std::condition_variable cv;  // notified when a connection unregisters
  bool draining = false;
  size_t active = 0;  // counted (non-rejected) connections
  struct Tracked {
    std::weak_ptr<Connection> connection;
    bool counted;  // toward max_connections (false: being rejected with 503)
  };
  std::unordered_map<Connection*, Tracked> connections;

  // Request-body bytes reserved by connections (HttpServerConfig::max_body_bytes_in_flight).
  std::atomic<uint64_t> body_bytes_in_flight{0};
  // Reserves `bytes` unless that would pass the budget while other bodies are in flight.
  bool ReserveBodyBytes(uint64_t bytes);
  void ReleaseBodyBytes(uint64_t bytes);

  enum class Admission { kAccepted, kRejected, kDraining };
  // Tracks the connection; counts it unless over max_connections (then: kRejected).
  // kDraining: not tracked, the server is stopping.
  Admission Register(const std::shared_ptr<Connection>& connection);
  // Idempotent; wakes Stop().
  void Unregister(Connection* connection);
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Transport stream, Strand strand, std::shared_ptr<ServerShared> shared);
  ~Connection();

  const Strand& strand() const { return strand_; }

  // Everything below runs on strand().
  void Start();          // serve requests (after the TLS handshake, on TLS)
  void StartRejected();  // answer 503 (over max_connections) and close
  void Drain();          // server stopping: finish the current exchange, then close
  void ForceClose();
  // A handler's response for request `seq`; `dropped` when its Responder died unused.
  void Deliver(uint64_t seq, Response response, bool dropped);
  // An upgraded connection's lease ended (connection_upgrade.cc); any thread.
  void EndUpgrade();
  struct UpgradeStop;  // shared by the connection and its lease
  // A route gate's verdict for request `seq` (see Gate in router.h).
  void OnGateDecision(uint64_t seq, std::optional<Response> refusal, bool dropped);

 private:
  // kStreamWait: a streamed body's producer has nothing new yet (no deadline; the peer is
  // watched for a disconnect meanwhile). kUpgraded: the socket belongs to another protocol's
  // session (Response::upgrade); the connection only stays counted until its lease ends.
  enum class Phase {
    kHandshake,
    kIdle,
    kHeader,
    kGate,
    kContinue,
    kBody,
    kHandler,
    kWrite,
    kStreamWait,
    kLinger,
    kUpgraded,
    kClosed
  };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using SpoolParser = boost::beast::http::request_parser<SpoolBody>;
  using error_code = boost::beast::error_code;

  void OnHandshake(error_code ec);
  void ReadNextRequest();
  void OnIdleRead(error_code ec, size_t n);
  void ReadHeader();
  void OnHeader(error_code ec);
  void HandleHeader();
  void RunGate(const Gate& gate);
  void StartBody();  // after the header (and gate): budget, 100 Continue, then ReadBody
  void ReadBody();
  void OnBody(error_code ec);
  void Dispatch();
  // Answers from the core (errors); `close` when the connection cannot be reused.
  void SendCoreResponse(Response response, bool close);
  void WriteResponse(Response&& response);
  // Upgrades (connection_upgrade.cc).
  void HandOver(UpgradeHandler upgrade);
  void StopUpgraded(bool force);
  void WriteSome();
  void OnWrite(error_code ec, size_t n);
  void AfterResponse();  // the response is out: next request, or linger and close
  // Streamed bodies (connection_stream.cc).
  void StartStream();
  void OnStreamReady();
  void WatchPeer();
  void OnPeerRead(error_code ec, size_t n);
  void Linger();
  void LingerTcp();  // half-close TCP, then LingerRead
  void LingerRead();
  void Close();
  void Report();
  void ReleaseBody();  // gives the body's bytes back to the server's budget

  // Deadlines are lazy: moving one later just stores it; the timer re-arms itself when it
  // fires early. Only an earlier deadline touches the timer. Keeps the hot path cheap.
  void SetDeadline(Clock::duration timeout);
  void ClearDeadline();
  void ArmTimer();
  void OnTimer(uint64_t generation);
  void OnTimeout();

  Transport stream_;  // TCP, or TLS over TCP
  Strand strand_;
  asio::steady_timer timer_;
  std::shared_ptr<ServerShared> shared_;
  const HttpServerConfig& config_;
  std::string remote_;

  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  // A large upload's parser: parser_ moved into it after the header (spool_body.h).
  std::optional<SpoolParser> spool_parser_;
  std::optional<size_t> spool_above_;  // the matched route's RouteOptions::spool_above_bytes
  Request request_;
  const Handler* handler_ = nullptr;
  WireResponse response_;
  std::optional<boost::beast::http::serializer<false, ResponseBody>> serializer_;

  Phase phase_ = Phase::kHeader;
  bool first_request_ = true;
  bool keep_alive_ = false;   // the request allows reuse
  bool close_after_ = false;  // close after the current response
  bool draining_ = false;
  bool timed_out_ = false;
  bool body_pending_ = false;   // the request has body bytes still to read
  size_t body_limit_ = 0;       // the route's limit
  uint64_t body_reserved_ = 0;  // bytes of the server's body budget this request holds
  uint64_t seq_ = 0;

  bool streaming_ = false;     // the response being written has a BodyStream
  bool stream_ready_ = false;  // the producer signalled since the last write began
  bool watching_ = false;      // a read is pending to notice the peer going away
  bool after_watch_ = false;   // the response is done; AfterResponse once that read ends

  Clock::time_point started_;
  int status_ = 0;
  std::string principal_;  // Response::log_principal of the response being written
  std::shared_ptr<UpgradeStop> upgrade_stop_;  // shared with the lease
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;

  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_expiry_;
  bool timer_armed_ = false;
  uint64_t timer_generation_ = 0;
};

// Carries a gate's decision back to the connection's strand; a 500 if dropped undecided.
class GateSlot {
 public:
  GateSlot(std::shared_ptr<asio::io_context> io, std::shared_ptr<Connection> connection,
           uint64_t seq)
      : io_(std::move(io)), connection_(std::move(connection)), seq_(seq) {}
  ~GateSlot();
  GateSlot(const GateSlot&) = delete;
  GateSlot& operator=(const GateSlot&) = delete;

  void Decide(std::optional<Response> refusal);

 private:
  void Post(std::optional<Response> refusal, bool dropped);

  std::shared_ptr<asio::io_context> io_;  // first: destroyed last
  std::shared_ptr<Connection> connection_;
  uint64_t seq_;
  std::atomic<bool> decided_{false};
};

class ResponseSlot {
 public:
  ResponseSlot(std::shared_ptr<asio::io_context> io, std::shared_ptr<Connection> connection,
               uint64_t seq)
      : io_(std::move(io)), connection_(std::move(connection)), seq_(seq) {}
  ~ResponseSlot();
  ResponseSlot(const ResponseSlot&) = delete;
  ResponseSlot& operator=(const ResponseSlot&) = delete;

  bool Send(Response&& response);  // false when a response was already sent
  bool sent() const { return sent_.load(std::memory_order_acquire); }

 private:
  void Post(Response&& response, bool dropped);

  // Declared first so it is destroyed last: posting needs the io_context alive.
  std::shared_ptr<asio::io_context> io_;
  std::shared_ptr<Connection> connection_;
  uint64_t seq_;
  std::atomic<bool> sent_{false};
};

}  // namespace vox::http::internal
