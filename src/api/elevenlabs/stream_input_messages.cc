#include "api/elevenlabs/stream_input_messages.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/elevenlabs/json_fields.h"
#include "api/elevenlabs/stream_input_text.h"
#include "api/elevenlabs/tts_request.h"
#include "common/base64.h"

namespace vox::api::elevenlabs {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

Result<bool> QueryBool(const http::Request& request, const char* name) {
  auto value = request.Query(name);
  if (!value || *value == "false" || *value == "0") return false;
  if (*value == "true" || *value == "1") return true;
  return Invalid(name, "Input should be a valid boolean");
}

Result<bool> OptionalBool(const json& message, const char* name) {
  if (!Present(message, name)) return false;
  if (!message.at(name).is_boolean()) return Invalid(name, "Input should be a valid boolean");
  return message.at(name).get<bool>();
}

// 1..16 integers, each 50..500 (ElevenLabs documents the range; the count is Vox's bound).
Result<std::vector<int>> ParseChunkLengthSchedule(const json& schedule) {
  bool ok = schedule.is_array() && !schedule.empty() && schedule.size() <= 16;
  for (const json& n : ok ? schedule : json::array()) {
    ok = ok && n.is_number_integer() && n.get<int64_t>() >= kMinChunkLength &&
         n.get<int64_t>() <= kMaxChunkLength;
  }
  if (!ok) {
    return Invalid("generation_config.chunk_length_schedule",
                   "Input should be a list of 1 to 16 integers, each between " +
                       std::to_string(kMinChunkLength) + " and " + std::to_string(kMaxChunkLength));
  }
  return schedule.get<std::vector<int>>();
}

ordered_json AlignmentMessage(const text::CharacterAlignment& a, double start_s) {
  if (a.characters.empty()) return nullptr;
  std::vector<long> starts, durations;
  starts.reserve(a.characters.size());
  durations.reserve(a.characters.size());
  for (size_t i = 0; i < a.characters.size(); ++i) {
    starts.push_back(std::max(0L, std::lround((a.start_s[i] - start_s) * 1000)));
    durations.push_back(std::max(0L, std::lround((a.end_s[i] - a.start_s[i]) * 1000)));
  }
  ordered_json out;
  out["chars"] = a.characters;
  out["charStartTimesMs"] = starts;
  out["charDurationsMs"] = durations;
  return out;
}

}  // namespace

Result<StreamInputQuery> ParseStreamInputQuery(const http::Request& request) {
  StreamInputQuery q;
  VOX_ASSIGN_OR_RETURN(
      q.format, ParseOutputFormat(request.Query("output_format").value_or(kDefaultOutputFormat)));
  VOX_RETURN_IF_ERROR(CheckModelId(std::string(request.Query("model_id").value_or(""))));
  q.language_code = std::string(request.Query("language_code").value_or(""));
  if (auto timeout = request.Query("inactivity_timeout")) {
    int seconds = 0;
    const auto [end, ec] =
        std::from_chars(timeout->data(), timeout->data() + timeout->size(), seconds);
    if (ec != std::errc() || end != timeout->data() + timeout->size() || seconds < 1 ||
        seconds > 180) {
      return Invalid("inactivity_timeout", "Input should be an integer between 1 and 180");
    }
    q.inactivity_timeout = std::chrono::seconds(seconds);
  }
  VOX_ASSIGN_OR_RETURN(q.sync_alignment, QueryBool(request, "sync_alignment"));
  VOX_ASSIGN_OR_RETURN(q.auto_mode, QueryBool(request, "auto_mode"));
  return q;
}

Result<StreamInputMessage> ParseStreamInputMessage(std::string_view payload, bool first) {
  const json parsed =
      json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Invalid("", "a message must be a JSON object");
  }
  StreamInputMessage m;
  if (!Present(parsed, "text")) return Invalid("text", "Field required");
  if (!parsed.at("text").is_string()) return Invalid("text", "Input should be a valid string");
  m.text = parsed.at("text").get<std::string>();
  VOX_ASSIGN_OR_RETURN(m.flush, OptionalBool(parsed, "flush"));
  VOX_ASSIGN_OR_RETURN(m.try_trigger_generation, OptionalBool(parsed, "try_trigger_generation"));
  if (Present(parsed, "voice_settings")) {
    double speed = 1.0;
    VOX_RETURN_IF_ERROR(ParseVoiceSettings(parsed.at("voice_settings"), &speed));
    if (parsed.at("voice_settings").contains("speed")) m.speed = speed;
  }
  if (Present(parsed, "generation_config")) {
    const json& config = parsed.at("generation_config");
    if (!config.is_object()) return Invalid("generation_config", "Input should be a valid object");
    if (Present(config, "chunk_length_schedule")) {
      VOX_ASSIGN_OR_RETURN(m.chunk_length_schedule,
                           ParseChunkLengthSchedule(config.at("chunk_length_schedule")));
    }
  }
  for (const char* name : {"xi_api_key", "authorization"}) {
    if (!Present(parsed, name)) continue;
    if (!first) return Invalid(name, "only the first message may carry a key");
    if (!parsed.at(name).is_string()) return Invalid(name, "Input should be a valid string");
    const std::string value = parsed.at(name).get<std::string>();
    m.authorization = std::string_view(name) == "xi_api_key" ? "Bearer " + value : value;
  }
  return m;
}

std::string AudioMessage(std::string_view audio, const text::CharacterAlignment& alignment,
                         const text::CharacterAlignment& normalized, double start_s) {
  ordered_json out;
  out["audio"] = Base64Encode(audio);
  out["isFinal"] = nullptr;
  out["normalizedAlignment"] = AlignmentMessage(normalized, start_s);
  out["alignment"] = AlignmentMessage(alignment, start_s);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string FinalMessage() { return R"({"isFinal":true})"; }

}  // namespace vox::api::elevenlabs
