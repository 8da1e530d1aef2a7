#include "http/testing/test_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <limits>

namespace vox::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

nlohmann::json ClientResponse::JsonBody() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

struct RawConnection::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  std::chrono::milliseconds timeout{5000};

  // Runs one asynchronous operation to completion or until the timeout.
  template <typename Start>
  error_code Run(Start start) {
    error_code result;
    bool done = false;
    io.restart();
    start([&](error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.run_for(timeout);
    if (done) return result;
    error_code ignored;
    socket.cancel(ignored);
    io.restart();
    io.run();  // let the canceled operation finish
    return asio::error::timed_out;
  }
};

RawConnection::RawConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RawConnection::RawConnection(RawConnection&&) noexcept = default;
RawConnection& RawConnection::operator=(RawConnection&&) noexcept = default;
RawConnection::~RawConnection() = default;

Result<RawConnection> RawConnection::Connect(const std::string& host, uint16_t port,
                                             std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->timeout = timeout;
  error_code ec;
  tcp::resolver resolver(impl->io);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return Unavailable("resolve " + host + ": " + ec.message());
  ec = impl->Run([&](auto handler) { asio::async_connect(impl->socket, endpoints, handler); });
  if (ec) return Unavailable("connect " + host + ":" + std::to_string(port) + ": " + ec.message());
  impl->socket.set_option(tcp::no_delay(true), ec);
  return RawConnection(std::move(impl));
}

void RawConnection::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

Status RawConnection::Send(std::string_view bytes) {
  error_code ec = impl_->Run([&](auto handler) {
    asio::async_write(impl_->socket, asio::buffer(bytes.data(), bytes.size()), handler);
  });
  if (ec) return Unavailable("send: " + ec.message());
  return {};
}

Result<ClientResponse> RawConnection::ReadResponse(bool head) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<uint64_t>::max());  // none misbehaves in Beast 1.74
  parser.header_limit(1 << 20);
  if (head) parser.skip(true);
  error_code ec = impl_->Run(
      [&](auto handler) { bhttp::async_read(impl_->socket, impl_->buffer, parser, handler); });
  if (ec == bhttp::error::end_of_stream) return Unavailable("connection closed by server");
  if (ec) return Unavailable("read response: " + ec.message());
  const auto& msg = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(msg.result_int());
  out.version = msg.version();
  for (const auto& field : msg) {
    out.headers.Add(std::string_view(field.name_string().data(), field.name_string().size()),
                    std::string_view(field.value().data(), field.value().size()));
  }
  out.body = msg.body();
  out.keep_alive = msg.keep_alive();
  return out;
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout, std::string* received) {
  if (received != nullptr) {
    auto data = impl_->buffer.data();
    received->append(static_cast<const char*>(data.data()), data.size());
  }
  impl_->buffer.consume(impl_->buffer.size());
  const auto saved = impl_->timeout;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char chunk[4096];
  bool closed = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    impl_->timeout = left;
    size_t got = 0;
    error_code ec = impl_->Run([&](auto handler) {
      impl_->socket.async_read_some(asio::buffer(chunk), [&got, handler](error_code e, size_t n) {
        got = n;
        handler(e);
      });
    });
    if (received != nullptr) received->append(chunk, got);
    if (ec == asio::error::timed_out) break;
    if (ec) {
      closed = true;  // EOF or reset: the server is gone
      break;
    }
  }
  impl_->timeout = saved;
  return closed;
}

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Request(std::string_view method, std::string_view target,
                                           std::string_view body, const HeaderList& headers) {
  std::string wire;
  wire.reserve(128 + body.size());
  wire.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  wire.append("Host: ").append(host_).append(":").append(std::to_string(port_)).append("\r\n");
  for (const auto& [name, value] : headers)
    wire.append(name).append(": ").append(value).append("\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    wire.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  wire.append("\r\n").append(body);

  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection_ != nullptr;
    if (!reused) {
      VOX_ASSIGN_OR_RETURN(RawConnection c, RawConnection::Connect(host_, port_, timeout_));
      connection_ = std::make_unique<RawConnection>(std::move(c));
      ++connections_opened_;
    }
    auto sent = connection_->Send(wire);
    Result<ClientResponse> response =
        sent ? connection_->ReadResponse(method == "HEAD") : std::unexpected(sent.error());
    while (response && response->status >= 100 && response->status < 200) {
      response = connection_->ReadResponse(method == "HEAD");
    }
    if (!response) {
      connection_.reset();
      // Only a stale kept-alive connection is retried; the server never saw the request.
      bool stale = reused && response.error().message.find("closed by server") != std::string::npos;
      if (stale || (reused && !sent)) continue;
      return response;
    }
    if (!response->keep_alive) connection_.reset();
    return response;
  }
  return Unavailable("request failed twice on fresh connections");
}

}  // namespace vox::http
