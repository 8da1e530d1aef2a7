// GET /v1/text-to-speech/{voice_id}/stream-input: ElevenLabs' WebSocket text-to-speech
// input streaming (stream_input_messages.h for the protocol, stream_input_session.h for the
// session and its bounds).
//
// Checked before the upgrade, as plain HTTP answers in ElevenLabs' shapes: a request that
// is no WebSocket upgrade (426), the voice id's shape (404), the query (422), and the
// `xi-api-key` header when sent (401; scope tts:write). Without the header the key comes in
// the first message (`xi_api_key` or `authorization`), checked before any text is taken.
// Each session is one recorded stream (StreamService::StartPieces): a job row with its
// events and usage, an audit event, the stream metrics under this route.
#pragma once

#include "api/elevenlabs/stream_input_session.h"
#include "http/router.h"

namespace vox::api::elevenlabs {

class StreamInputRoute {
 public:
  explicit StreamInputRoute(StreamInputDeps deps) : deps_(std::move(deps)) {}

  void Handle(http::Request& request, http::Responder respond);

 private:
  StreamInputDeps deps_;
};

}  // namespace vox::api::elevenlabs
