#include "api/elevenlabs/tts_request.h"

#include <nlohmann/json.hpp>

#include "api/compat_ssml.h"
#include "api/elevenlabs/json_fields.h"
#include "text/utf8.h"

namespace vox::api::elevenlabs {
namespace {

using nlohmann::json;

// A number in [lo, hi], or absent.
Status CheckNumber(const json& object, const char* name, const std::string& field, double lo,
                   double hi, double* out = nullptr) {
  if (!Present(object, name)) return {};
  const json& v = object.at(name);
  if (!v.is_number()) return Invalid(field, "Input should be a valid number");
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi)) {
    return Invalid(field, "Input should be between " + json(lo).dump() + " and " + json(hi).dump() +
                              ", got " + v.dump());
  }
  if (out) *out = d;
  return {};
}

Result<std::string> OptionalString(const json& body, const char* name) {
  if (!Present(body, name)) return std::string();
  if (!body.at(name).is_string()) return Invalid(name, "Input should be a valid string");
  return body.at(name).get<std::string>();
}

}  // namespace

const std::vector<ModelInfo>& Models() {
  static const std::vector<ModelInfo> kModels = {
      {"eleven_multilingual_v2", "Eleven Multilingual v2", true},
      {"eleven_flash_v2_5", "Eleven Flash v2.5", true},
      {"eleven_turbo_v2_5", "Eleven Turbo v2.5", true},
      {"eleven_v3", "Eleven v3", true},
      {"eleven_flash_v2", "Eleven Flash v2", false},
      {"eleven_turbo_v2", "Eleven Turbo v2", false},
      {"eleven_monolingual_v1", "Eleven English v1", false},
      {"eleven_multilingual_v1", "Eleven Multilingual v1", true},
  };
  return kModels;
}

Status ParseVoiceSettings(const json& settings, double* speed) {
  if (!settings.is_object()) return Invalid("voice_settings", "Input should be a valid object");
  VOX_RETURN_IF_ERROR(CheckNumber(settings, "speed", "voice_settings.speed", 0.25, 4.0, speed));
  for (const char* name : {"stability", "similarity_boost", "style"}) {
    VOX_RETURN_IF_ERROR(
        CheckNumber(settings, name, std::string("voice_settings.") + name, 0.0, 1.0));
  }
  if (Present(settings, "use_speaker_boost") && !settings.at("use_speaker_boost").is_boolean()) {
    return Invalid("voice_settings.use_speaker_boost", "Input should be a valid boolean");
  }
  return {};
}

Status CheckModelId(const std::string& model_id) {
  if (model_id.empty()) return {};
  for (const ModelInfo& m : Models()) {
    if (m.id == model_id) return {};
  }
  return Invalid("model_id", "A model with model ID '" + model_id.substr(0, 64) +
                                 "' does not exist; GET /v1/models lists them");
}

Result<TtsRequest> ParseTtsRequest(std::string_view body, bool compat_ssml) {
  const json parsed = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Invalid("", "JSON decode error: the body must be a JSON object");
  }
  TtsRequest r;
  if (!Present(parsed, "text")) return Invalid("text", "Field required");
  if (!parsed.at("text").is_string()) return Invalid("text", "Input should be a valid string");
  r.text = parsed.at("text").get<std::string>();
  VOX_RETURN_IF_ERROR(text::ValidateUtf8(r.text));
  const size_t chars = text::CountCodePoints(r.text);
  if (r.text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    return Invalid("text", "String should have at least 1 character that is not a space");
  }
  if (chars > kMaxTextChars) {
    return Invalid("text", "String should have at most " + std::to_string(kMaxTextChars) +
                               " characters, got " + std::to_string(chars));
  }
  // The parser's error is already field "text" with "SSML line L, column C: ...".
  VOX_ASSIGN_OR_RETURN(r.ssml, CompatTextIsSsml(r.text, compat_ssml));
  VOX_ASSIGN_OR_RETURN(r.model_id, OptionalString(parsed, "model_id"));
  if (r.model_id.empty()) r.model_id = std::string(Models().front().id);
  VOX_RETURN_IF_ERROR(CheckModelId(r.model_id));
  VOX_ASSIGN_OR_RETURN(r.language_code, OptionalString(parsed, "language_code"));
  if (Present(parsed, "voice_settings")) {
    VOX_RETURN_IF_ERROR(ParseVoiceSettings(parsed.at("voice_settings"), &r.speed));
  }
  if (Present(parsed, "seed")) {
    const json& seed = parsed.at("seed");
    if (!seed.is_number_integer() || seed.get<int64_t>() < 0 ||
        seed.get<int64_t>() > 4294967295LL) {
      return Invalid("seed", "Input should be an integer between 0 and 4294967295");
    }
    r.seed = seed.get<int64_t>();
  }
  return r;
}

}  // namespace vox::api::elevenlabs
