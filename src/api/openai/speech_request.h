// The body of OpenAI's POST /v1/audio/speech, parsed and checked as OpenAI does.
//
// Fields: model, input (1..4096 characters), voice (a name, or {"id": ...} for a custom
// voice), instructions (accepted, not used: Vox's engines take no style prompt),
// response_format (mp3 | opus | aac | flac | wav | pcm; default mp3), speed (0.25..4.0,
// default 1), stream_format (audio | sse; default audio). Unknown fields are ignored, as
// OpenAI's SDKs may send newer ones. Errors are kInvalidArgument with `field` = OpenAI's
// param name and a message in OpenAI's wording; `code` is in OpenAiCode(). With `compat_ssml`
// (VOX_COMPAT_SSML) an `input` that is an SSML document is spoken as SSML (api/compat_ssml.h;
// its markup counts towards the 4,096 characters); a malformed one is param "input", code
// "invalid_value", its message naming the position.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::api::openai {

inline constexpr size_t kMaxInputChars = 4096;

struct SpeechRequest {
  std::string model;
  std::string input;
  std::string voice;         // as given: an OpenAI name or a Vox voice id
  bool voice_is_id = false;  // given as {"id": ...}
  std::string instructions;
  std::string response_format = "mp3";
  double speed = 1.0;
  std::string stream_format = "audio";
  bool ssml = false;  // `input` is an SSML document (only with compat_ssml)
};

// An OpenAI error code for a parse error ("string_above_max_length",
// "decimal_above_max_value", ...), carried in the Error's message prefix "code:".
Result<SpeechRequest> ParseSpeechRequest(std::string_view body, bool compat_ssml = false);

}  // namespace vox::api::openai
