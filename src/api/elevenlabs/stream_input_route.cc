#include "api/elevenlabs/stream_input_route.h"

#include <spdlog/spdlog.h>

#include "api/elevenlabs/elevenlabs_errors.h"
#include "api/elevenlabs/tts_route.h"

namespace vox::api::elevenlabs {

void StreamInputRoute::Handle(http::Request& request, http::Responder respond) {
  auto upgrade = request.Header("Upgrade");
  if (!upgrade || !http::EqualsIgnoreCase(*upgrade, "websocket")) {
    http::Response r = DetailError(426, "upgrade_required",
                                   "This route is a WebSocket: connect with Upgrade: websocket.");
    r.headers.Set("Upgrade", "websocket");
    return respond(std::move(r));
  }
  StreamInputCall call;
  call.voice_id = std::string(request.PathParam("voice_id"));
  if (!PlausibleVoiceId(call.voice_id)) {
    return respond(
        DetailError(404, "voice_not_found", "A voice with this voice_id was not found."));
  }
  auto query = ParseStreamInputQuery(request);
  if (!query) return respond(ErrorResponse(query.error()));
  call.query = std::move(*query);
  call.request_id = request.request_id;
  call.method = request.method;
  call.target = request.target;
  call.headers = request.headers;
  auto key = XiApiKey(request);
  auto upgrade_with = [this](StreamInputCall call) {
    http::Response r;
    r.upgrade = [this, call = std::move(call)](http::Upgraded&& upgraded) mutable {
      StartStreamInputSession(deps_, std::move(call), std::move(upgraded));
    };
    return r;
  };
  if (!key) return respond(upgrade_with(std::move(call)));
  // A key in the header is checked now, so a bad one gets an HTTP 401 and no WebSocket.
  deps_.post([this, key = std::move(*key), call = std::move(call), respond = std::move(respond),
              upgrade_with]() mutable {
    auto who = deps_.auth.Authorize(key, Scope::kTtsWrite);
    if (!who) return respond(ErrorResponse(who.error()));
    const std::string key_id = who->key_id;
    call.who = std::move(*who);
    http::Response r = upgrade_with(std::move(call));
    r.log_principal = key_id;
    respond(std::move(r));
  });
}

}  // namespace vox::api::elevenlabs
