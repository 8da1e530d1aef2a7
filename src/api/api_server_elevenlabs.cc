// ElevenLabs' routes on the ApiServer's router (the front end is api/elevenlabs/).
// /v1/voices, /v1/voices/{id} and /v1/models are shared with the native API: their
// handlers hand a request authenticated by xi-api-key to elevenlabs::CatalogRoute.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "api/api_server.h"
#include "api/elevenlabs/tts_request.h"

namespace vox::api {

namespace {

// A body of kMaxTextChars characters, each escaped as \uXXXX\uXXXX at worst, plus the rest.
constexpr size_t kTtsBodyBytes = elevenlabs::kMaxTextChars * 12 + 64 * 1024;

}  // namespace

void ApiServer::AddElevenLabsRoutes(http::Router& router) {
  auto post = [this](std::function<void()> work) {
    boost::asio::post(handler_pool_, std::move(work));
  };
  using Kind = elevenlabs::TextToSpeechRoute::Kind;
  const std::pair<const char*, Kind> tts[] = {
      {"/v1/text-to-speech/{voice_id}", Kind::kConvert},
      {"/v1/text-to-speech/{voice_id}/stream", Kind::kStream},
      {"/v1/text-to-speech/{voice_id}/with-timestamps", Kind::kWithTimestamps},
      {"/v1/text-to-speech/{voice_id}/stream/with-timestamps", Kind::kStreamWithTimestamps},
  };
  auto check = [](const char* pattern, const Status& added) {
    if (!added) spdlog::critical("route {}: {}", pattern, added.error().ToString());
  };
  for (const auto& [pattern, kind] : tts) {
    check(pattern, router.Add("POST", pattern,
                              [this, kind](http::Request& r, http::Responder respond) {
                                elevenlabs_tts_->Handle(kind, r, std::move(respond));
                              },
                              {.max_body_bytes = kTtsBodyBytes,
                               .spool_above_bytes = std::nullopt,
                               .gate = elevenlabs::XiKeyGate(auth_, Scope::kTtsWrite, post)}));
  }
  // A WebSocket: the key may come in the first message, so the route checks it itself.
  check("/v1/text-to-speech/{voice_id}/stream-input",
        router.Add("GET", "/v1/text-to-speech/{voice_id}/stream-input",
                   [this](http::Request& r, http::Responder respond) {
                     elevenlabs_stream_input_->Handle(r, std::move(respond));
                   },
                   {.max_body_bytes = 0, .spool_above_bytes = std::nullopt, .gate = {}}));
  check("/v1/voices/add",
        router.Add("POST", "/v1/voices/add",
                   [this](http::Request& r, http::Responder respond) {
                     elevenlabs_catalog_->AddVoice(r, std::move(respond));
                   },
                   {.max_body_bytes = config_.max_upload_bytes,
                    .spool_above_bytes = 1u << 20,
                    .gate = elevenlabs::XiKeyGate(auth_, Scope::kVoicesWrite, post)}));
  check(
      "/v1/user/subscription",
      router.Add("GET", "/v1/user/subscription", [this](http::Request& r, http::Responder respond) {
        elevenlabs_catalog_->Subscription(r, std::move(respond));
      }));
}

}  // namespace vox::api
