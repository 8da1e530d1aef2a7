#include "api/openai/speech_request.h"

#include <nlohmann/json.hpp>

#include "api/compat_ssml.h"
#include "api/openai/openai_errors.h"
#include "text/utf8.h"

namespace vox::api::openai {
namespace {

using nlohmann::json;

Result<std::string> StringParam(const json& body, const std::string& name, bool required) {
  if (!body.contains(name) || body.at(name).is_null()) {
    if (required) {
      return InvalidParam(name, "missing_required_parameter",
                          "Missing required parameter: '" + name + "'.");
    }
    return std::string();
  }
  const json& v = body.at(name);
  if (!v.is_string()) {
    return InvalidParam(name, "invalid_type",
                        "Invalid type for '" + name + "': expected a string, but got " +
                            std::string(v.type_name()) + " instead.");
  }
  return v.get<std::string>();
}

}  // namespace

Result<SpeechRequest> ParseSpeechRequest(std::string_view body, bool compat_ssml) {
  json parsed = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidParam(
        "", "invalid_json",
        "We could not parse the JSON body of your request. (HINT: This likely means "
        "you aren't using your HTTP library correctly. The OpenAI API expects a JSON "
        "payload, but what was sent was not valid JSON.)");
  }
  SpeechRequest r;
  VOX_ASSIGN_OR_RETURN(r.model, StringParam(parsed, "model", true));
  VOX_ASSIGN_OR_RETURN(r.input, StringParam(parsed, "input", true));
  const size_t chars = text::CountCodePoints(r.input);
  if (chars > kMaxInputChars) {
    return InvalidParam("input", "string_above_max_length",
                        "Invalid 'input': string too long. Expected a string with maximum length " +
                            std::to_string(kMaxInputChars) + ", but got a string with length " +
                            std::to_string(chars) + " instead.");
  }
  if (r.input.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    return InvalidParam("input", "empty_string",
                        "Invalid 'input': empty string. Expected a string with minimum length 1, "
                        "but got an empty string instead.");
  }
  auto ssml = CompatTextIsSsml(r.input, compat_ssml);
  if (!ssml) {
    // OpenAI names a well-typed value it cannot take "invalid_value"; the message keeps the
    // parser's "SSML line L, column C: ...".
    return InvalidParam("input", "invalid_value", "Invalid 'input': " + ssml.error().message);
  }
  r.ssml = *ssml;
  if (!parsed.contains("voice") || parsed.at("voice").is_null()) {
    return InvalidParam("voice", "missing_required_parameter",
                        "Missing required parameter: 'voice'.");
  }
  const json& voice = parsed.at("voice");
  if (voice.is_string()) {
    r.voice = voice.get<std::string>();
  } else if (voice.is_object() && voice.contains("id") && voice.at("id").is_string()) {
    r.voice = voice.at("id").get<std::string>();
    r.voice_is_id = true;
  } else {
    return InvalidParam(
        "voice", "invalid_type",
        "Invalid type for 'voice': expected a voice name or an object with an 'id'.");
  }
  if (r.voice.empty() || r.voice.size() > 128) {
    return InvalidParam("voice", "invalid_value", "Invalid value for 'voice'.");
  }
  VOX_ASSIGN_OR_RETURN(r.instructions, StringParam(parsed, "instructions", false));
  if (parsed.contains("response_format") && !parsed.at("response_format").is_null()) {
    VOX_ASSIGN_OR_RETURN(r.response_format, StringParam(parsed, "response_format", false));
    static constexpr std::string_view kFormats[] = {"mp3", "opus", "aac", "flac", "wav", "pcm"};
    bool known = false;
    for (auto f : kFormats) known = known || f == r.response_format;
    if (!known) {
      return InvalidParam("response_format", "invalid_value",
                          "Invalid value: '" + r.response_format +
                              "'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and "
                              "'pcm'.");
    }
  }
  if (parsed.contains("speed") && !parsed.at("speed").is_null()) {
    const json& v = parsed.at("speed");
    if (!v.is_number()) {
      return InvalidParam("speed", "invalid_type",
                          "Invalid type for 'speed': expected a decimal, but got " +
                              std::string(v.type_name()) + " instead.");
    }
    r.speed = v.get<double>();
    if (!(r.speed >= 0.25)) {
      return InvalidParam("speed", "decimal_below_min_value",
                          "Invalid 'speed': decimal below minimum value. Expected a value >= 0.25, "
                          "but got " +
                              v.dump() + " instead.");
    }
    if (!(r.speed <= 4.0)) {
      return InvalidParam(
          "speed", "decimal_above_max_value",
          "Invalid 'speed': decimal above maximum value. Expected a value <= 4, but "
          "got " +
              v.dump() + " instead.");
    }
  }
  if (parsed.contains("stream_format") && !parsed.at("stream_format").is_null()) {
    VOX_ASSIGN_OR_RETURN(r.stream_format, StringParam(parsed, "stream_format", false));
    if (r.stream_format != "audio" && r.stream_format != "sse") {
      return InvalidParam(
          "stream_format", "invalid_value",
          "Invalid value: '" + r.stream_format + "'. Supported values are: 'audio' and 'sse'.");
    }
  }
  return r;
}

}  // namespace vox::api::openai
