// HttpServer: HTTP/1.1 on Boost.Beast, a fixed set of io threads, asynchronous handlers.
//
//   Router router;
//   router.Add("GET", "/healthz", [](Request&, Responder respond) {
//     respond(Json(200, {{"status", "ok"}}));
//   });
//   HttpServer server(config, std::move(router), observer);
//   VOX_RETURN_IF_ERROR(server.Start());
//   ... server.port() ...
//   server.Stop(std::chrono::seconds(10));
//
// The io threads only do network I/O, parsing and routing; handlers must not block them (see
// Handler in router.h). With a certificate in the config every connection is TLS 1.2/1.3
// (tls_context.h), WebSocket upgrades included. Every response carries X-Request-Id, Content-Type
// (except 204/304), Content-Length and Date; errors are JSON {"error":{"code","message","field"}}.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/status.h"
#include "http/config.h"
#include "http/request_log.h"
#include "http/router.h"

namespace vox::http {

class HttpServer {
 public:
  // `observer` (optional) is called once per response written; see request_log.h.
  HttpServer(HttpServerConfig config, Router router, RequestObserver observer = {});
  ~HttpServer();  // Stop(0) when still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Validates the config, binds, listens and starts the io threads; returns once accepting.
  // invalid_argument for a bad config, unavailable when the address cannot be bound.
  // A server starts at most once.
  Status Start();
  // Start(), then Wait().
  Status Run();
  // Blocks until Stop() has finished (returns at once if the server never started).
  void Wait();

  // Graceful stop: stop accepting, close idle keep-alive connections, let requests in flight
  // finish (their responses go out with Connection: close) for up to `grace`, then close
  // whatever is left and join the io threads. Idempotent. Call it from a non-io thread (a
  // signal watcher, main): from a handler or observer it would join itself, so it refuses.
  void Stop(std::chrono::milliseconds grace);

  // TLS (HttpServerConfig::tls_cert_file): reads the certificate and key files again. New
  // handshakes use them; open connections keep the certificate they started with. On failure
  // (logged) the previous certificate stays in use. Without TLS: nothing, ok. Thread-safe.
  Status ReloadTls();

  // The bound port (the kernel's choice when listen asked for port 0); 0 before Start().
  uint16_t port() const;
  // Connections currently open and counted against max_connections.
  size_t open_connections() const;
  // Request-body bytes reserved right now (see HttpServerConfig::max_body_bytes_in_flight).
  uint64_t body_bytes_in_flight() const;

 private:
  class Impl;  // keeps Asio out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace vox::http
