// Upgraded: a connection handed over to another protocol (WebSocket) after its request.
//
// A handler answers an `Upgrade:` request with a Response whose `upgrade` is set; the core
// then writes nothing itself: it stops serving HTTP on that connection and calls `upgrade`
// on the connection's strand (the stream's executor) with the stream — TCP, or TLS already
// past its handshake (transport.h) —, every byte the client sent after the request (already
// read and decrypted into the core's buffer), and a lease. The new owner writes the handshake
// answer (101 Switching Protocols) itself — Beast's websocket accept does — or any refusal.
// A websocket::stream<Transport> needs http/websocket_transport.h for its closing handshake.
//
// The lease keeps the connection counted by the server (open_connections(), max_connections,
// Stop()'s drain) until it is destroyed, and tells the new owner when the server stops, so a
// graceful stop waits for upgraded sessions as it waits for requests in flight.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "http/transport.h"

namespace vox::http {

class UpgradeLease {
 public:
  virtual ~UpgradeLease() = default;  // the server stops counting the connection
  // `on_stop(false)`: the server began a graceful stop (finish soon, then close);
  // `on_stop(true)`: its grace is over (close now). Called on the connection's strand, at
  // once when the stop began before this call. Set it once.
  virtual void OnStop(std::function<void(bool force)> on_stop) = 0;
};

struct Upgraded {
  Transport stream;
  std::string buffered;  // bytes after the request, read but not consumed by the HTTP core
  std::unique_ptr<UpgradeLease> lease;
};

// Takes ownership of the connection. Must not block (it runs on an io thread).
using UpgradeHandler = std::function<void(Upgraded&& upgraded)>;

}  // namespace vox::http
