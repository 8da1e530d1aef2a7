// Wyoming events on the wire.
//
// An event is one JSON header line, {"type", "data"?, "data_length"?,
// "payload_length"?, "version"?} and a newline, then `data_length` bytes of
// JSON merged into "data", then `payload_length` bytes of binary payload.
// The reader parses a header within limits before it reads what follows, so a
// client can never make the server buffer more than the limits allow.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::wyoming {

// The protocol version this server writes (the rhasspy/wyoming release whose
// events it implements, streaming synthesis included).
inline constexpr std::string_view kProtocolVersion = "1.7.2";

struct Event {
  std::string type;
  nlohmann::json data = nlohmann::json::object();
  std::string payload;  // binary; audio-chunk PCM
};

// The header line of an event read from a client, before its data and payload.
struct EventHeader {
  std::string type;
  nlohmann::json data = nlohmann::json::object();
  size_t data_length = 0;
  size_t payload_length = 0;
};

struct HeaderLimits {
  size_t max_data_bytes = 0;
  size_t max_payload_bytes = 0;
};

// Parses one header line (without its newline). kInvalidArgument for malformed
// JSON or fields of the wrong type (field "type", "data", "data_length",
// "payload_length"); kResourceExhausted for lengths over the limits.
Result<EventHeader> ParseHeader(std::string_view line, const HeaderLimits& limits);

// Merges the additional data (a JSON object) into header.data.
Status MergeData(EventHeader& header, std::string_view data_bytes);

// The bytes of `event` as wyoming >= 1.1 writes them: data in its own section.
std::string Serialize(const Event& event);

}  // namespace vox::wyoming
