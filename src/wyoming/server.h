// WyomingServer: Home Assistant's Wyoming protocol on its own TCP listener.
//
//   WyomingServer server(config, registry, synthesizer, &metrics);
//   VOX_RETURN_IF_ERROR(server.Start());   // binds config.listen
//   ... server.port() ...
//   server.Stop(std::chrono::seconds(5));
//
// Network I/O runs on io threads that never synthesize; each connection's
// events are handled in order on a bounded synthesis pool (Session). Limits:
// header lines, data and payload lengths, queued events, buffered output and
// connections are bounded; an idle connection and a reader that stops reading
// (no write progress for write_timeout) are closed; a client that disconnects
// cancels its synthesis inside the engine. The protocol has no authentication.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/status.h"
#include "engines/synthesizer.h"
#include "wyoming/config.h"
#include "wyoming/metrics.h"
#include "wyoming/session.h"

namespace vox::wyoming {

class WyomingServer {
 public:
  // `metrics` is optional; everything passed must outlive the server.
  WyomingServer(WyomingConfig config, const engines::EngineRegistry& registry,
                const engines::Synthesizer& synthesizer, WyomingMetrics* metrics = nullptr);
  ~WyomingServer();  // Stop(0) when still running
  WyomingServer(const WyomingServer&) = delete;
  WyomingServer& operator=(const WyomingServer&) = delete;

  // Each synthesis is reported to `sink` (before Start(); the audit trail).
  void SetSpokenSink(SpokenSink sink);
  // Marks every synthesis (before Start(); not owned). Unset: unmarked.
  void UseWatermarker(const watermark::Watermarker* watermarker);
  // Validates the config, binds config.listen and starts accepting.
  // kInvalidArgument for a bad config, kUnavailable when the address cannot be bound.
  Status Start();
  // Stops accepting, closes idle connections, lets syntheses in progress finish
  // for up to `grace`, then closes everything and joins the threads. Idempotent.
  void Stop(std::chrono::milliseconds grace);

  uint16_t port() const;  // the bound port; 0 before Start()
  size_t open_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vox::wyoming
