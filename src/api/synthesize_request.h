// The body of POST /v1/tts/synthesize, parsed and checked field by field.
//
// Malformed JSON, a wrong type, a missing field or an unknown field is a 400
// naming the field; a well-formed value the platform cannot serve (unknown
// voice, unsupported format or rate, text over the limit) is a 422. Unknown
// fields are refused rather than ignored so a typo ("voice" for "voice_id")
// fails loudly instead of silently using the default voice.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "text/text_limits.h"

namespace vox::api {

struct SynthesizeRequest {
  std::string text;
  std::string text_type = "text";  // "text" or "ssml" (src/ssml: the subset)
  std::string voice_id;            // empty: the default voice for `language`
  std::string format = "wav";
  std::string language;  // empty: the voice's own
  std::optional<int> sample_rate;
  double speed = 1.0;
  double pitch = 1.0;
  std::optional<std::string> webhook_url;

  // Canonical JSON of every field (sorted keys): hashed for Idempotency-Key
  // comparison and stored as the job's params.
  nlohmann::json ToJson() const;
};

// Syntax and types only; semantic checks (voice, format...) happen in JobService.
Result<SynthesizeRequest> ParseSynthesizeRequest(std::string_view body,
                                                 const text::TextLimits& limits);

}  // namespace vox::api
