#include "api/synthesize_request.h"

#include <cmath>

#include "ssml/ssml_parser.h"
#include "text/utf8.h"

namespace vox::api {
namespace {

using nlohmann::json;

std::unexpected<Error> WrongType(const std::string& field, const char* expected) {
  return InvalidArgument("'" + field + "' must be " + expected, field);
}

Result<std::string> StringField(const json& body, const std::string& field, size_t max_bytes) {
  const json& v = body.at(field);
  if (!v.is_string()) return WrongType(field, "a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return InvalidArgument("'" + field + "' is longer than " + std::to_string(max_bytes) + " bytes",
                           field);
  }
  return s;
}

Result<double> NumberField(const json& body, const std::string& field) {
  const json& v = body.at(field);
  if (!v.is_number()) return WrongType(field, "a number");
  double d = v.get<double>();
  if (!std::isfinite(d)) return WrongType(field, "a finite number");
  return d;
}

}  // namespace

json SynthesizeRequest::ToJson() const {
  json j = {{"text", text},         {"voice_id", voice_id}, {"format", format},
            {"language", language}, {"speed", speed},       {"pitch", pitch}};
  j["sample_rate"] = sample_rate ? json(*sample_rate) : json(nullptr);
  j["webhook_url"] = webhook_url ? json(*webhook_url) : json(nullptr);
  // Only when not the default, so plain requests hash as they did before SSML
  // (an Idempotency-Key retried across the upgrade still matches).
  if (text_type != "text") j["text_type"] = text_type;
  return j;
}

Result<SynthesizeRequest> ParseSynthesizeRequest(std::string_view body,
                                                 const text::TextLimits& limits) {
  json parsed = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InvalidArgument("request body is not valid JSON", "body");
  if (!parsed.is_object()) return InvalidArgument("request body must be a JSON object", "body");

  static const std::vector<std::string> kKnown = {"text",   "text_type", "voice_id",
                                                  "format", "language",  "sample_rate",
                                                  "speed",  "pitch",     "webhook_url"};
  for (const auto& [key, value] : parsed.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return InvalidArgument("unknown field '" + key + "'", key);
    }
  }

  SynthesizeRequest r;
  if (!parsed.contains("text")) return InvalidArgument("'text' is required", "text");
  // Valid UTF-8 already: the JSON parser refuses anything else, lone surrogates included.
  VOX_ASSIGN_OR_RETURN(r.text, StringField(parsed, "text", limits.MaxUtf8Bytes()));
  if (r.text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    return InvalidArgument("'text' is empty", "text");
  }
  if (text::CountCodePoints(r.text) > limits.max_chars) {
    return MakeError(ErrorCode::kUnprocessable,
                     "'text' is longer than " + std::to_string(limits.max_chars) + " characters",
                     "text");
  }
  if (parsed.contains("text_type")) {
    VOX_ASSIGN_OR_RETURN(r.text_type, StringField(parsed, "text_type", 16));
    if (r.text_type != "text" && r.text_type != "ssml") {
      return InvalidArgument("'text_type' must be \"text\" or \"ssml\"", "text_type");
    }
  }
  if (r.text_type == "ssml") {
    // Malformed SSML is a syntax error of the request (400, with its line and
    // column), refused before any job exists; the plan parses it again.
    ssml::ParseLimits ssml_limits;
    ssml_limits.max_bytes = limits.MaxUtf8Bytes();
    if (auto doc = ssml::Parse(r.text, ssml_limits); !doc) return std::unexpected(doc.error());
  }
  if (parsed.contains("voice_id")) {
    VOX_ASSIGN_OR_RETURN(r.voice_id, StringField(parsed, "voice_id", 128));
  }
  if (parsed.contains("format")) {
    VOX_ASSIGN_OR_RETURN(r.format, StringField(parsed, "format", 16));
  }
  if (parsed.contains("language")) {
    VOX_ASSIGN_OR_RETURN(r.language, StringField(parsed, "language", 35));
  }
  if (parsed.contains("sample_rate")) {
    const json& v = parsed.at("sample_rate");
    if (!v.is_number_integer()) return WrongType("sample_rate", "an integer");
    int64_t rate = v.get<int64_t>();
    if (rate <= 0 || rate > 1'000'000) {
      return MakeError(ErrorCode::kUnprocessable, "'sample_rate' is out of range", "sample_rate");
    }
    r.sample_rate = static_cast<int>(rate);
  }
  if (parsed.contains("speed")) {
    VOX_ASSIGN_OR_RETURN(r.speed, NumberField(parsed, "speed"));
  }
  if (parsed.contains("pitch")) {
    VOX_ASSIGN_OR_RETURN(r.pitch, NumberField(parsed, "pitch"));
  }
  if (parsed.contains("webhook_url") && !parsed.at("webhook_url").is_null()) {
    VOX_ASSIGN_OR_RETURN(std::string url, StringField(parsed, "webhook_url", 2048));
    r.webhook_url = std::move(url);
  }
  return r;
}

}  // namespace vox::api
