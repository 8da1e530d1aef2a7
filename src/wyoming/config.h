// WyomingConfig: the Wyoming listener's settings (VOX_WYOMING_*), validated once at start-up.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/status.h"
#include "text/text_limits.h"

namespace vox::wyoming {

struct WyomingConfig {
  // HOST:PORT; empty: no Wyoming listener. The protocol has no authentication:
  // bind it to loopback or a trusted LAN only.
  std::string listen;         // VOX_WYOMING_LISTEN
  std::string default_voice;  // VOX_WYOMING_VOICE; empty: the registry's English default
  int max_connections = 32;   // VOX_WYOMING_MAX_CONNECTIONS: more are refused with an error
  int synthesis_threads = 2;  // VOX_WYOMING_THREADS: syntheses running at once
  int io_threads = 1;         // network threads; never blocked by synthesis
  text::TextLimits limits;    // VOX_MAX_TEXT_CHARS: one synthesize, or one whole stream
  size_t max_header_bytes = 64 << 10;   // one event's JSON header line
  size_t max_payload_bytes = 1 << 20;   // a client's binary payload (a TTS server reads none)
  size_t max_buffered_bytes = 1 << 20;  // output waiting for a slow reader before synthesis waits
  int max_queued_events = 64;           // events read ahead of the synthesis before reading pauses
  int chunk_ms = 250;                   // longest audio-chunk payload, in milliseconds of audio
  std::chrono::milliseconds idle_timeout{120'000};  // VOX_WYOMING_IDLE_TIMEOUT_MS: nothing to do
  std::chrono::milliseconds write_timeout{10'000};  // a write that makes no progress: closed

  // The additional JSON data an event may carry: a text at the limit, escaped.
  size_t max_data_bytes() const { return limits.MaxJsonBodyBytes(); }

  // Errors name the setting (VOX_WYOMING_LISTEN, ...).
  Status Validate() const;
  std::string ToString() const;
};

}  // namespace vox::wyoming
