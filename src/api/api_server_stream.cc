// POST /v1/tts/stream: the synthesize body, answered with the audio as it is made.
#include "api/api_responses.h"
#include "api/api_server.h"
#include "api/synthesize_request.h"

namespace vox::api {

void ApiServer::Stream(http::Request& request, http::Responder respond) {
  auto content_type = request.Header("Content-Type");
  if (!content_type || content_type->substr(0, 16) != "application/json") {
    respond(http::JsonError(415, "unsupported_media_type", "Content-Type must be application/json",
                            "Content-Type"));
    return;
  }
  Authed(request, std::move(respond), [this, &request](const Principal& who) -> http::Response {
    int retry_after = 1;
    if (!limiter_.Allow(who, &retry_after)) {
      http::Response r = http::JsonError(429, "rate_limited", "too many submissions; slow down");
      r.headers.Set("Retry-After", std::to_string(retry_after));
      return r;
    }
    auto parsed = ParseSynthesizeRequest(request.body, jobs_.limits());
    if (!parsed) return FromError(parsed.error());
    if (parsed->webhook_url) {
      return FromError(Error{ErrorCode::kUnprocessable,
                             "a stream sends no webhook: its response is the result",
                             "webhook_url"});
    }
    StreamSpec spec;
    spec.text = parsed->text;
    spec.ssml = parsed->text_type == "ssml";
    spec.voice_id = parsed->voice_id;
    spec.language = parsed->language;
    spec.speed = parsed->speed;
    spec.pitch = parsed->pitch;
    spec.route = "/v1/tts/stream";
    auto format = audio::ParseStreamFormat(parsed->format);
    if (!format) return FromError(AsUnprocessable(format.error()));
    spec.encode.format = *format;
    spec.encode.sample_rate = parsed->sample_rate.value_or(0);
    auto prepared = streams_->Prepare(who, spec, request.request_id);
    if (!prepared) return FromError(AsUnprocessable(prepared.error()));
    return streams_->Start(std::move(*prepared), {});
  });
}

}  // namespace vox::api
