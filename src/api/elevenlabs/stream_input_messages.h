// The messages of ElevenLabs' WebSocket text-to-speech input streaming,
// GET /v1/text-to-speech/{voice_id}/stream-input (a WebSocket):
//
//   query    model_id, output_format (output_format.h), language_code,
//            inactivity_timeout (seconds, 1..180, default 20), sync_alignment, auto_mode
//   client   first {"text":" ", "voice_settings":{...}, "generation_config":
//            {"chunk_length_schedule":[...]}, "xi_api_key":"..." | "authorization":"Bearer ..."}
//            then {"text":"Hello ", "try_trigger_generation":false, "flush":false} ...
//            and {"text":""} to end the input
//   server   {"audio":"<base64>","isFinal":null,"normalizedAlignment":{"chars":[...],
//            "charStartTimesMs":[...],"charDurationsMs":[...]},"alignment":{...}}
//            ... then {"isFinal":true}; errors {"message","error","code"} before a close
//
// Alignment times are milliseconds from the start of the message's own audio, as
// ElevenLabs documents them. Text frames only; the JSON is checked field by field and
// every error is kInvalidArgument naming the field, never an exception.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/elevenlabs/output_format.h"
#include "common/status.h"
#include "http/request.h"
#include "text/timed_text.h"

namespace vox::api::elevenlabs {

struct StreamInputQuery {
  OutputFormat format;
  std::string language_code;
  std::chrono::seconds inactivity_timeout{20};
  bool sync_alignment = false;  // accepted: audio and alignment always travel together
  // No schedule and no buffer: each message is spoken as it arrives (as if flushed), as
  // ElevenLabs documents it for clients that send whole sentences or phrases.
  bool auto_mode = false;
};

// Errors name the parameter (field "output_format", "model_id", "inactivity_timeout", ...).
Result<StreamInputQuery> ParseStreamInputQuery(const http::Request& request);

struct StreamInputMessage {
  std::string text;  // "" ends the input; the first message's " " only opens it
  bool flush = false;
  bool try_trigger_generation = false;
  std::optional<double> speed;  // voice_settings.speed (first message)
  // generation_config.chunk_length_schedule: 1..16 values, each kMinChunkLength..
  // kMaxChunkLength characters (stream_input_text.h); acted on in the first message only.
  std::optional<std::vector<int>> chunk_length_schedule;
  // xi_api_key as "Bearer <key>", or authorization as sent (first message only).
  std::optional<std::string> authorization;
};

// `first`: the message that opens the stream (settings and key allowed).
Result<StreamInputMessage> ParseStreamInputMessage(std::string_view payload, bool first);

// One audio message: `audio` base64-encoded; the alignments' times made relative to
// `start_s` (where the audio begins on their clock), null when empty.
std::string AudioMessage(std::string_view audio, const text::CharacterAlignment& alignment,
                         const text::CharacterAlignment& normalized, double start_s);
// {"isFinal":true}
std::string FinalMessage();

}  // namespace vox::api::elevenlabs
