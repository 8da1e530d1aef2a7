// HttpServerConfig: every knob of the HTTP core, validated once at start-up.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace vox::http {

// "host:port" split; host is an IP literal, "localhost" or a resolvable name; "[::1]:80" for IPv6.
struct ListenAddress {
  std::string host;
  uint16_t port = 0;  // 0: the kernel picks a free port (see HttpServer::port())
};

// Parses "host:port". The error names `field` (the setting the string came from).
Result<ListenAddress> ParseListenAddress(const std::string& listen,
                                         const std::string& field = "listen");

struct HttpServerConfig {
  std::string listen = "127.0.0.1:8080";
  int io_threads = 1;  // threads running the network io_context; never blocked by handlers

  size_t max_header_bytes = 16 * 1024;  // request line + headers; over it: 431 and close
  size_t max_body_bytes =
      1024 * 1024;  // default per request; a route may allow more (RouteOptions)

  // A request's header must be complete within header_timeout of its first byte (or of the
  // accept, for the first request); its body within body_timeout after the header. Both are
  // absolute deadlines, so trickling bytes (slowloris) does not extend them. Over: 408, close.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  // A keep-alive connection with no byte of a next request for this long is closed silently.
  std::chrono::milliseconds keep_alive_idle_timeout{60'000};
  // Longest time a response write may make no progress (per socket write, not per response,
  // so a large download over a slow link is fine as long as it keeps moving).
  std::chrono::milliseconds write_timeout{30'000};
  // After a final response on a connection we close (errors, Connection: close), unread request
  // bytes are drained for at most this long so the client sees the response, not a TCP reset.
  std::chrono::milliseconds linger_timeout{2'000};

  // Open connections; beyond it a new connection is answered 503 and closed.
  size_t max_connections = 10'000;
  // Request-body bytes all connections together may hold at once (a body is counted from when
  // its reading starts until its response is written: Content-Length, or the route's limit for
  // a chunked body). A request that would go over it is answered 503 + Retry-After and closed,
  // unless nothing else is in flight, so one maximal upload always gets through.
  size_t max_body_bytes_in_flight = 512u << 20;
  // Where bodies of routes with RouteOptions::spool_above_bytes go once they pass it
  // (unlinked temporary files: nothing is left behind).
  std::string spool_dir = "/tmp";

  // TLS: PEM certificate chain and private key files. Both set: every connection on this
  // listener is TLS (1.2 and 1.3 only); both empty: plain HTTP. Start() fails when a file is
  // unreadable, not PEM, or the key does not match the certificate; so does Validate().
  std::string tls_cert_file;
  std::string tls_key_file;
  bool tls() const { return !tls_cert_file.empty(); }

  // Fails with invalid_argument naming the bad setting (field = "listen", "io_threads", ...).
  Status Validate() const;
  std::string ToString() const;
};

}  // namespace vox::http
