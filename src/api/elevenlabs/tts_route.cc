#include "api/elevenlabs/tts_route.h"

#include <spdlog/spdlog.h>

#include "api/api_responses.h"
#include "api/elevenlabs/alignment_json.h"
#include "api/elevenlabs/elevenlabs_errors.h"
#include "api/elevenlabs/output_format.h"
#include "api/elevenlabs/tts_request.h"
#include "common/base64.h"

namespace vox::api::elevenlabs {
namespace {

using nlohmann::ordered_json;

const char* RouteName(TextToSpeechRoute::Kind kind) {
  switch (kind) {
    case TextToSpeechRoute::Kind::kConvert:
      return "/v1/text-to-speech/{voice_id}";
    case TextToSpeechRoute::Kind::kStream:
      return "/v1/text-to-speech/{voice_id}/stream";
    case TextToSpeechRoute::Kind::kWithTimestamps:
      return "/v1/text-to-speech/{voice_id}/with-timestamps";
    default:
      return "/v1/text-to-speech/{voice_id}/stream/with-timestamps";
  }
}

// One object of ElevenLabs' with-timestamps answers; empty alignments are left out.
ordered_json TimedAudio(std::string_view audio, const text::CharacterAlignment& alignment,
                        const text::CharacterAlignment& normalized) {
  ordered_json out;
  out["audio_base64"] = Base64Encode(audio);
  if (!alignment.characters.empty()) out["alignment"] = AlignmentJson(alignment);
  if (!normalized.characters.empty()) out["normalized_alignment"] = AlignmentJson(normalized);
  return out;
}

}  // namespace

bool PlausibleVoiceId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
    if (!ok) return false;
  }
  return id != "." && id != "..";
}

std::optional<std::string> XiApiKey(const http::Request& request) {
  auto key = request.Header("xi-api-key");
  if (!key) return std::nullopt;
  return "Bearer " + std::string(*key);
}

http::Gate XiKeyGate(Authenticator& auth, Scope scope,
                     std::function<void(std::function<void()>)> post) {
  return [&auth, scope, post](const http::Request& request, http::GateDecision decide) {
    post([&auth, scope, key = XiApiKey(request), decide] {
      auto who = auth.Authorize(key, scope);
      decide(who ? std::nullopt : std::optional(ErrorResponse(who.error())));
    });
  };
}

void TextToSpeechRoute::Handle(Kind kind, http::Request& request, http::Responder respond) {
  Call call{kind,
            XiApiKey(request),
            std::string(request.PathParam("voice_id")),
            std::string(request.Query("output_format").value_or(kDefaultOutputFormat)),
            request.body,
            request.request_id};
  post_([this, call = std::move(call), respond = std::move(respond)] {
    try {
      respond(Serve(call));
    } catch (const std::exception& e) {
      spdlog::error("elevenlabs text-to-speech threw: {}", e.what());
      respond(DetailError(500, "internal_error", "internal error"));
    }
  });
}

http::Response TextToSpeechRoute::Serve(const Call& call) {
  auto who = auth_.Authorize(call.key, Scope::kTtsWrite);
  if (!who) return ErrorResponse(who.error());
  int retry_after = 1;
  if (!limiter_.Allow(*who, &retry_after)) {
    http::Response r =
        DetailError(429, "too_many_concurrent_requests", "Too many requests; slow down.");
    r.headers.Set("Retry-After", std::to_string(retry_after));
    return r;
  }
  auto format = ParseOutputFormat(call.output_format);
  if (!format) return ErrorResponse(format.error());
  auto parsed = ParseTtsRequest(call.body, compat_ssml_);
  if (!parsed) return ErrorResponse(parsed.error());
  if (!PlausibleVoiceId(call.voice_id)) {
    return DetailError(404, "voice_not_found", "A voice with this voice_id was not found.");
  }
  StreamSpec spec;
  spec.text = parsed->text;
  spec.ssml = parsed->ssml;
  spec.voice_id = call.voice_id;
  spec.language = parsed->language_code;
  spec.speed = parsed->speed;
  spec.encode = format->encode;
  spec.route = RouteName(call.kind);
  auto prepared = streams_.Prepare(*who, spec, call.request_id);
  if (!prepared) return ErrorResponse(prepared.error());

  StreamFraming framing;
  framing.content_type = format->content_type;
  if (call.kind == Kind::kStreamWithTimestamps) {
    framing.content_type = "application/x-ndjson";
    framing.piece = [](const StreamPiece& piece) {
      return TimedAudio(piece.audio, piece.alignment, piece.normalized_alignment).dump() + "\n";
    };
  } else if (call.kind == Kind::kWithTimestamps) {
    // One JSON object: everything is gathered and sent when the synthesis ends.
    struct Whole {
      std::string audio;
      text::CharacterAlignment alignment, normalized;
    };
    auto whole = std::make_shared<Whole>();
    framing.content_type = "application/json";
    framing.piece = [whole](const StreamPiece& piece) {
      whole->audio.append(piece.audio);
      text::Append(whole->alignment, piece.alignment);
      text::Append(whole->normalized, piece.normalized_alignment);
      return std::string();
    };
    framing.done = [whole](const StreamUsage&) {
      return TimedAudio(whole->audio, whole->alignment, whole->normalized).dump();
    };
  }
  return streams_.Start(std::move(*prepared), std::move(framing));
}

}  // namespace vox::api::elevenlabs
