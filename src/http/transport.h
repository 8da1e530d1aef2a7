// Transport: the byte stream HTTP runs on — a TCP socket, or TLS over one (Asio's ssl::stream).
//
// One concrete type rather than a template parameter, so the connection's state machine and
// every Beast algorithm on it compile once; the choice costs one branch per read or write.
// It models Asio's AsyncReadStream and AsyncWriteStream, so Beast's HTTP and WebSocket code
// run on it unchanged (websocket::stream<Transport>: include http/websocket_transport.h).
//
// Like the socket it wraps, it is used from one strand: one read and one write may be pending
// at once (Asio's ssl::stream supports that too).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <utility>
#include <variant>

namespace vox::http {

class Transport {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;
  using executor_type = Socket::executor_type;

  // Plain TCP.
  explicit Transport(Socket socket) : stream_(std::move(socket)) {}
  // TLS with `context`'s certificate; the handshake is the caller's (tls()->async_handshake).
  // The context is kept alive as long as the stream, whatever a reload does meanwhile.
  Transport(Socket socket, std::shared_ptr<boost::asio::ssl::context> context)
      : context_(std::move(context)),
        stream_(std::in_place_type<TlsStream>, std::move(socket), *context_) {}
  Transport(Transport&&) = default;
  Transport& operator=(Transport&&) = default;

  executor_type get_executor() { return socket().get_executor(); }
  // The TCP layer, in both cases (endpoints, options, cancel, shutdown, close).
  Socket& socket() {
    if (auto* tls = std::get_if<TlsStream>(&stream_)) return tls->next_layer();
    return std::get<Socket>(stream_);
  }
  // The TLS layer; nullptr on plain TCP.
  TlsStream* tls() { return std::get_if<TlsStream>(&stream_); }
  // Closes the TCP socket (Beast's get_lowest_layer(ws).close(ec) lands here).
  void close(boost::system::error_code& ec) { socket().close(ec); }

  template <typename MutableBuffers, typename Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (auto* tls = std::get_if<TlsStream>(&stream_)) {
      tls->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      std::get<Socket>(stream_).async_read_some(buffers, std::forward<Handler>(handler));
    }
  }

  template <typename ConstBuffers, typename Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    if (auto* tls = std::get_if<TlsStream>(&stream_)) {
      tls->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      std::get<Socket>(stream_).async_write_some(buffers, std::forward<Handler>(handler));
    }
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;  // first: outlives the stream
  std::variant<Socket, TlsStream> stream_;
};

}  // namespace vox::http
