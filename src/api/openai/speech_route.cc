#include "api/openai/speech_route.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "api/api_responses.h"
#include "api/openai/auth_gate.h"
#include "api/openai/openai_errors.h"
#include "api/openai/speech_request.h"
#include "common/base64.h"

namespace vox::api::openai {
namespace {

using nlohmann::json;

// OpenAI's content types for its formats.
const char* ContentType(audio::StreamFormat f) {
  switch (f) {
    case audio::StreamFormat::kMp3:
      return "audio/mpeg";
    case audio::StreamFormat::kOpus:
      return "audio/opus";
    case audio::StreamFormat::kAac:
      return "audio/aac";
    case audio::StreamFormat::kFlac:
      return "audio/flac";
    case audio::StreamFormat::kWav:
      return "audio/wav";
    default:
      return "audio/pcm";
  }
}

}  // namespace

http::Gate SpeechRoute::Gate() { return OpenAiGate(auth_, scopes_, post_); }

void SpeechRoute::Handle(http::Request& request, http::Responder respond) {
  post_([this, authorization = HeaderCopy(request, "Authorization"), scope = scopes_.For(request),
         body = request.body, request_id = request.request_id, respond = std::move(respond)] {
    try {
      respond(Serve(authorization, scope, body, request_id));
    } catch (const std::exception& e) {
      spdlog::error("openai speech threw: {}", e.what());
      respond(OpenAiError(500, "server_error", "", "", "internal error"));
    }
  });
}

http::Response SpeechRoute::Serve(const std::optional<std::string>& authorization, Scope scope,
                                  const std::string& body, const std::string& request_id) {
  auto who = auth_.Authorize(authorization, scope);
  if (!who) return OpenAiRefusal(who.error());
  if (auto limited = OpenAiRateCheck(limiter_, *who)) return std::move(*limited);
  auto parsed = ParseSpeechRequest(body, compat_ssml_);
  if (!parsed) return OpenAiErrorResponse(parsed.error());
  if (!IsKnownModel(parsed->model)) {
    return OpenAiError(404, "invalid_request_error", "model_not_found", "model",
                       "The model '" + parsed->model +
                           "' does not exist. Use tts-1, tts-1-hd or gpt-4o-mini-tts.");
  }
  StreamSpec spec;
  spec.text = parsed->input;
  spec.ssml = parsed->ssml;
  spec.voice_id = parsed->voice_is_id ? parsed->voice : voices_.Resolve(parsed->voice);
  spec.speed = parsed->speed;
  spec.encode.format = *audio::ParseStreamFormat(parsed->response_format);
  spec.encode.sample_rate = kOutputRate;
  spec.route = "/v1/audio/speech";
  auto prepared = streams_.Prepare(*who, spec, request_id);
  if (!prepared) {
    Error e = prepared.error();
    if (e.code == ErrorCode::kNotFound && (e.field == "voice" || e.field == "voice_id")) {
      e.message = "Invalid value for 'voice': '" + parsed->voice +
                  "' is neither an OpenAI voice name nor a Vox voice id.";
    }
    return OpenAiErrorResponse(e);
  }
  StreamFraming framing;
  framing.content_type = ContentType(spec.encode.format);
  if (parsed->stream_format == "sse") {
    framing.content_type = "text/event-stream";
    framing.audio = [](std::string_view audio) {
      // Built by hand: "type" first, as OpenAI sends it, and no JSON pass over the audio.
      return "data: {\"type\":\"speech.audio.delta\",\"audio\":\"" + Base64Encode(audio) +
             "\"}\n\n";
    };
    framing.done = [](const StreamUsage& usage) {
      const int64_t in = static_cast<int64_t>((usage.input_chars + 3) / 4);
      const int64_t out = std::llround(usage.audio_seconds * 50);
      nlohmann::ordered_json done = {
          {"type", "speech.audio.done"},
          {"usage", {{"input_tokens", in}, {"output_tokens", out}, {"total_tokens", in + out}}}};
      return "data: " + done.dump() + "\n\n";
    };
  }
  return streams_.Start(std::move(*prepared), std::move(framing));
}

}  // namespace vox::api::openai
