#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "http/connection.h"

namespace vox::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using internal::Connection;
using internal::ServerShared;

namespace {
thread_local bool tls_io_thread = false;  // Stop() must not join the thread it runs on
}  // namespace

namespace internal {

ServerShared::Admission ServerShared::Register(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mu);
  if (draining) return Admission::kDraining;
  const bool counted = active < config.max_connections;
  if (counted) ++active;
  connections.emplace(connection.get(), Tracked{connection, counted});
  return counted ? Admission::kAccepted : Admission::kRejected;
}

void ServerShared::Unregister(Connection* connection) {
  std::lock_guard lock(mu);
  auto it = connections.find(connection);
  if (it == connections.end()) return;
  if (it->second.counted) --active;
  connections.erase(it);
  cv.notify_all();
}

bool ServerShared::ReserveBodyBytes(uint64_t bytes) {
  uint64_t held = body_bytes_in_flight.load(std::memory_order_relaxed);
  do {
    if (held != 0 && held + bytes > config.max_body_bytes_in_flight) return false;
  } while (
      !body_bytes_in_flight.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
  return true;
}

void ServerShared::ReleaseBodyBytes(uint64_t bytes) {
  body_bytes_in_flight.fetch_sub(bytes, std::memory_order_relaxed);
}

}  // namespace internal

class HttpServer::Impl {
 public:
  enum class State { kNew, kRunning, kStopping, kStopped };

  Impl(HttpServerConfig config, Router router, RequestObserver observer)
      : shared_(std::make_shared<ServerShared>()) {
    shared_->config = std::move(config);
    shared_->router = std::move(router);
    shared_->observer = std::move(observer);
  }

  Status Start();
  Status ReloadTls();
  void Stop(std::chrono::milliseconds grace);
  void Wait() {
    std::unique_lock lock(state_mu_);
    state_cv_.wait(lock, [&] { return state_ == State::kNew || state_ == State::kStopped; });
  }
  uint16_t port() const { return port_; }
  size_t open_connections() const {
    std::lock_guard lock(shared_->mu);
    return shared_->active;
  }
  uint64_t body_bytes_in_flight() const { return shared_->body_bytes_in_flight.load(); }

 private:
  Result<tcp::endpoint> ResolveListen() const;
  void Accept();
  void OnAccept(const internal::Strand& strand, boost::beast::error_code ec, tcp::socket socket);
  // Runs `fn` for every tracked connection on that connection's strand.
  template <typename Fn>
  void ForEachConnection(Fn fn);
  bool WaitForNoConnections(std::chrono::steady_clock::time_point deadline);

  std::shared_ptr<ServerShared> shared_;
  std::shared_ptr<asio::io_context> io_;  // before acceptor_: destroyed after it
  std::optional<internal::Strand> accept_strand_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> retry_timer_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;

  std::mutex state_mu_;
  std::condition_variable state_cv_;
  State state_ = State::kNew;
};

Result<tcp::endpoint> HttpServer::Impl::ResolveListen() const {
  VOX_ASSIGN_OR_RETURN(ListenAddress listen, ParseListenAddress(shared_->config.listen));
  boost::system::error_code ec;
  auto address = asio::ip::make_address(listen.host, ec);
  if (!ec) return tcp::endpoint(address, listen.port);
  // A host name ("localhost"): resolve once, at start-up, never per request.
  asio::io_context resolver_io;
  tcp::resolver resolver(resolver_io);
  auto results = resolver.resolve(listen.host, std::to_string(listen.port), ec);
  if (ec || results.empty()) {
    return InvalidArgument("cannot resolve listen host '" + listen.host + "'", "listen");
  }
  return results.begin()->endpoint();
}

Status HttpServer::Impl::Start() {
  {
    std::lock_guard lock(state_mu_);
    if (state_ != State::kNew) {
      return MakeError(ErrorCode::kFailedPrecondition, "HttpServer already started");
    }
  }
  VOX_RETURN_IF_ERROR(shared_->config.Validate());
  VOX_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveListen());
  if (shared_->config.tls()) {
    VOX_ASSIGN_OR_RETURN(shared_->tls, TlsContext::Load(shared_->config.tls_cert_file,
                                                        shared_->config.tls_key_file));
  }

  io_ = std::make_shared<asio::io_context>(shared_->config.io_threads);
  shared_->io = io_;
  accept_strand_.emplace(asio::make_strand(io_->get_executor()));
  acceptor_.emplace(*accept_strand_);
  retry_timer_.emplace(*accept_strand_);
  boost::system::error_code ec;
  auto fail = [&](const char* what) {
    acceptor_.reset();
    return Unavailable(std::string("cannot ") + what + " " + shared_->config.listen + ": " +
                       ec.message());
  };
  if (acceptor_->open(endpoint.protocol(), ec)) return fail("open a socket for");
  if (acceptor_->set_option(asio::socket_base::reuse_address(true), ec)) return fail("configure");
  if (acceptor_->bind(endpoint, ec)) return fail("bind");
  if (acceptor_->listen(asio::socket_base::max_listen_connections, ec)) return fail("listen on");
  port_ = acceptor_->local_endpoint(ec).port();

  work_.emplace(io_->get_executor());
  asio::dispatch(*accept_strand_, [this] { Accept(); });
  for (int i = 0; i < shared_->config.io_threads; ++i) {
    threads_.emplace_back([io = io_] {
      tls_io_thread = true;
      while (true) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {  // our handlers do not throw; be safe anyway
          spdlog::error("http: io thread caught: {}", e.what());
        }
      }
    });
  }
  std::lock_guard lock(state_mu_);
  state_ = State::kRunning;
  return {};
}

void HttpServer::Impl::Accept() {
  auto strand = asio::make_strand(io_->get_executor());
  acceptor_->async_accept(strand, [this, strand](boost::beast::error_code ec, tcp::socket socket) {
    OnAccept(strand, ec, std::move(socket));
  });
}

void HttpServer::Impl::OnAccept(const internal::Strand& strand, boost::beast::error_code ec,
                                tcp::socket socket) {
  if (!acceptor_->is_open()) return;  // stopping
  if (ec) {
    // Out of descriptors or memory: back off instead of spinning on the same error.
    spdlog::warn("http: accept failed: {}", ec.message());
    retry_timer_->expires_after(std::chrono::milliseconds(100));
    retry_timer_->async_wait([this](boost::beast::error_code wait_ec) {
      if (!wait_ec && acceptor_->is_open()) Accept();
    });
    return;
  }
  // TLS: the context current now; a reload later does not touch this connection.
  Transport stream = shared_->tls ? Transport(std::move(socket), shared_->tls->Current())
                                  : Transport(std::move(socket));
  auto connection = std::make_shared<Connection>(std::move(stream), strand, shared_);
  switch (shared_->Register(connection)) {
    case ServerShared::Admission::kAccepted:
      asio::dispatch(strand, [connection] { connection->Start(); });
      break;
    case ServerShared::Admission::kRejected:
      asio::dispatch(strand, [connection] { connection->StartRejected(); });
      break;
    case ServerShared::Admission::kDraining:
      break;  // dropped: the socket closes with `connection`
  }
  Accept();
}

Status HttpServer::Impl::ReloadTls() {
  if (!shared_->tls) return {};  // started without TLS (or not started): nothing to reload
  if (auto reloaded = shared_->tls->Reload(); !reloaded) {
    spdlog::error("http: TLS reload failed, still serving the previous certificate: {}",
                  reloaded.error().message);
    return reloaded;
  }
  spdlog::info("http: TLS certificate reloaded from {}", shared_->config.tls_cert_file);
  return {};
}

template <typename Fn>
void HttpServer::Impl::ForEachConnection(Fn fn) {
  std::vector<std::shared_ptr<Connection>> snapshot;
  {
    std::lock_guard lock(shared_->mu);
    for (auto& [ptr, tracked] : shared_->connections) {
      if (auto c = tracked.connection.lock()) snapshot.push_back(std::move(c));
    }
  }
  for (auto& c : snapshot) asio::dispatch(c->strand(), [c, fn] { fn(*c); });
}

bool HttpServer::Impl::WaitForNoConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(shared_->mu);
  return shared_->cv.wait_until(lock, deadline, [&] { return shared_->connections.empty(); });
}

void HttpServer::Impl::Stop(std::chrono::milliseconds grace) {
  if (tls_io_thread) {
    spdlog::error("http: HttpServer::Stop called from an io thread; ignored");
    return;
  }
  {
    std::lock_guard lock(state_mu_);
    if (state_ != State::kRunning) return;
    state_ = State::kStopping;
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  {
    std::lock_guard lock(shared_->mu);
    shared_->draining = true;  // from here Register() admits nobody
  }
  // The acceptor belongs to its strand; close it there. Bounded wait: if every io thread is
  // stuck in a (misbehaving, blocking) handler we still get to the forced close below.
  auto closed = std::make_shared<std::promise<void>>();
  asio::post(*accept_strand_, [this, closed] {
    boost::system::error_code ec;
    acceptor_->close(ec);
    retry_timer_->cancel();
    closed->set_value();
  });
  closed->get_future().wait_until(deadline);

  ForEachConnection([](Connection& c) { c.Drain(); });
  if (!WaitForNoConnections(deadline)) {
    ForEachConnection([](Connection& c) { c.ForceClose(); });
    WaitForNoConnections(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }
  work_.reset();
  io_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lock(state_mu_);
  state_ = State::kStopped;
  state_cv_.notify_all();
}

HttpServer::HttpServer(HttpServerConfig config, Router router, RequestObserver observer)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router), std::move(observer))) {}

HttpServer::~HttpServer() { impl_->Stop(std::chrono::milliseconds(0)); }

Status HttpServer::Start() { return impl_->Start(); }

Status HttpServer::Run() {
  VOX_RETURN_IF_ERROR(impl_->Start());
  impl_->Wait();
  return {};
}

void HttpServer::Wait() { impl_->Wait(); }
Status HttpServer::ReloadTls() { return impl_->ReloadTls(); }
void HttpServer::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }
uint16_t HttpServer::port() const { return impl_->port(); }
size_t HttpServer::open_connections() const { return impl_->open_connections(); }
uint64_t HttpServer::body_bytes_in_flight() const { return impl_->body_bytes_in_flight(); }

}  // namespace vox::http
