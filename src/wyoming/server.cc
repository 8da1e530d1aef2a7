#include "wyoming/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "http/config.h"
#include "wyoming/connection.h"
#include "wyoming/info.h"

namespace vox::wyoming {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

class WyomingServer::Impl {
 public:
  Impl(WyomingConfig config, const engines::EngineRegistry& registry,
       const engines::Synthesizer& synthesizer, WyomingMetrics* metrics)
      : config_(std::move(config)),
        context_{registry, synthesizer, config_, BuildInfoData(registry), metrics},
        pool_(static_cast<size_t>(std::max(1, config_.synthesis_threads))) {}

  ~Impl() { Stop(std::chrono::milliseconds(0)); }

  void SetSpokenSink(SpokenSink sink) { context_.on_spoken = std::move(sink); }
  void UseWatermarker(const watermark::Watermarker* w) { context_.watermarker = w; }

  Status Start() {
    VOX_RETURN_IF_ERROR(config_.Validate());
    if (config_.listen.empty()) return InvalidArgument("is empty", "VOX_WYOMING_LISTEN");
    if (started_) return MakeError(ErrorCode::kFailedPrecondition, "already started");
    // Validate() parsed it.
    http::ListenAddress address = *http::ParseListenAddress(config_.listen, "VOX_WYOMING_LISTEN");
    const std::string& host = address.host;
    std::string port = std::to_string(address.port);
    error_code ec;
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(host, port, tcp::resolver::passive, ec);
    if (ec || endpoints.empty()) {
      return MakeError(ErrorCode::kUnavailable, "cannot resolve " + host + ": " + ec.message(),
                       "VOX_WYOMING_LISTEN");
    }
    tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return MakeError(ErrorCode::kUnavailable,
                       "cannot listen on " + config_.listen + ": " + ec.message(),
                       "VOX_WYOMING_LISTEN");
    }
    port_ = acceptor_.local_endpoint().port();
    started_ = true;
    Accept();
    for (int i = 0; i < config_.io_threads; ++i) io_threads_.emplace_back([this] { io_.run(); });
    return {};
  }

  void Stop(std::chrono::milliseconds grace) {
    if (!started_ || stopped_) return;
    stopped_ = true;
    asio::post(io_, [this] {
      error_code ec;
      acceptor_.close(ec);
    });
    // Idle connections close now; busy ones get the grace to finish their synthesis.
    const auto deadline = std::chrono::steady_clock::now() + grace;
    for (;;) {
      bool busy = false;
      for (auto& connection : Connections()) {
        if (connection->busy()) {
          busy = true;
        } else {
          connection->Close();
        }
      }
      if (!busy || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& connection : Connections()) connection->Close();
    pool_.join();  // cancelled syntheses return promptly
    // Connections end once their last handler has run.
    const auto close_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (open_connections() > 0 && std::chrono::steady_clock::now() < close_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    guard_.reset();
    io_.stop();
    for (auto& thread : io_threads_) thread.join();
    io_threads_.clear();
  }

  uint16_t port() const { return port_; }

  size_t open_connections() const {
    std::lock_guard lock(mu_);
    return connections_.size();
  }

 private:
  std::vector<std::shared_ptr<Connection>> Connections() {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lock(mu_);
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) out.push_back(std::move(connection));
    }
    return out;
  }

  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) Admit(std::move(socket));
      Accept();
    });
  }

  void Admit(tcp::socket socket) {
    std::unique_lock lock(mu_);
    if (connections_.size() >= static_cast<size_t>(config_.max_connections)) {
      lock.unlock();
      Refuse(std::move(socket));
      return;
    }
    uint64_t id = next_id_++;
    auto connection = std::make_shared<Connection>(std::move(socket), context_, pool_, [this, id] {
      std::lock_guard lock(mu_);
      connections_.erase(id);
      if (context_.metrics) context_.metrics->connections.With({}).Add(-1);
    });
    connections_[id] = connection;
    lock.unlock();
    if (context_.metrics) context_.metrics->connections.With({}).Add(1);
    connection->Start();
  }

  // Over the connection limit: one error event, then close.
  void Refuse(tcp::socket socket) {
    if (context_.metrics) context_.metrics->refused.With({"connections"}).Inc();
    auto sock = std::make_shared<tcp::socket>(std::move(socket));
    auto bytes = std::make_shared<std::string>(Serialize(Session::ErrorEvent(
        {ErrorCode::kResourceExhausted,
         "too many connections (" + std::to_string(config_.max_connections) + "); try again later",
         ""})));
    asio::async_write(*sock, asio::buffer(*bytes), [sock, bytes](error_code, size_t) {
      error_code ignored;
      sock->shutdown(tcp::socket::shutdown_both, ignored);
      sock->close(ignored);
    });
  }

  WyomingConfig config_;
  SessionContext context_;
  mutable std::mutex mu_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mu_
  uint64_t next_id_ = 0;                                       // guarded by mu_
  asio::thread_pool pool_;                                     // synthesis: never on the io threads
  asio::io_context io_;  // after everything a connection touches when it is destroyed
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_{
      asio::make_work_guard(io_)};
  tcp::acceptor acceptor_{io_};
  std::vector<std::thread> io_threads_;
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

WyomingServer::WyomingServer(WyomingConfig config, const engines::EngineRegistry& registry,
                             const engines::Synthesizer& synthesizer, WyomingMetrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(config), registry, synthesizer, metrics)) {}

WyomingServer::~WyomingServer() = default;

void WyomingServer::SetSpokenSink(SpokenSink sink) { impl_->SetSpokenSink(std::move(sink)); }
void WyomingServer::UseWatermarker(const watermark::Watermarker* watermarker) {
  impl_->UseWatermarker(watermarker);
}
Status WyomingServer::Start() { return impl_->Start(); }
void WyomingServer::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }
uint16_t WyomingServer::port() const { return impl_->port(); }
size_t WyomingServer::open_connections() const { return impl_->open_connections(); }

}  // namespace vox::wyoming
