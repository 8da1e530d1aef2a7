// The body of ElevenLabs' POST /v1/text-to-speech/{voice_id}[/stream][/with-timestamps].
//
// Used: text (1..kMaxTextChars characters), model_id (one of Models(): all run on the
// voice's own engine), voice_settings.speed (Vox's 0.25..4.0; ElevenLabs' own range
// 0.7..1.2 lies inside it), language_code (a BCP-47/ISO 639-1 tag the voice must speak).
// Checked and accepted: voice_settings' stability, similarity_boost, style (0..1) and
// use_speaker_boost, seed (0..4294967295; Vox's engines are deterministic anyway).
// Other fields of ElevenLabs' schema (previous_text, pronunciation dictionaries, ...) are
// ignored, as newer SDKs may send them. Errors: kInvalidArgument naming the field
// ("voice_settings.speed"), shown as a 422 by elevenlabs_errors.h. With `compat_ssml`
// (VOX_COMPAT_SSML) a `text` that is an SSML document is spoken as SSML (api/compat_ssml.h;
// markup counts towards the characters); a malformed one is a 422 on body.text naming its
// position.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::api::elevenlabs {

inline constexpr size_t kMaxTextChars = 10000;

struct TtsRequest {
  std::string text;
  std::string model_id;
  double speed = 1.0;
  std::string language_code;
  std::optional<int64_t> seed;
  bool ssml = false;  // `text` is an SSML document (only with compat_ssml)
};

Result<TtsRequest> ParseTtsRequest(std::string_view body, bool compat_ssml = false);

// The `voice_settings` object as above (shared with the WebSocket's first message): speed
// into `*speed` when present.
Status ParseVoiceSettings(const nlohmann::json& settings, double* speed);
// A model id of Models(); empty is the default.
Status CheckModelId(const std::string& model_id);

// ElevenLabs' model ids Vox accepts, in the order GET /v1/models lists them; the first
// is the default.
struct ModelInfo {
  std::string_view id;
  std::string_view name;
  bool multilingual;
};
const std::vector<ModelInfo>& Models();

}  // namespace vox::api::elevenlabs
