// Session: one Wyoming connection's conversation, independent of the socket.
//
// Handle() takes the client's events in order, on a synthesis thread, and
// answers through `send` (which blocks while the client is slow to read and
// fails once the connection is gone):
//
//   describe                      -> info
//   ping                          -> pong
//   synthesize {text, voice?}     -> audio-start, audio-chunk..., audio-stop
//   synthesize-start {voice?}     -> (nothing)
//   synthesize-chunk {text}       -> for each sentence it completes:
//                                    audio-start, audio-chunk..., audio-stop
//   synthesize (inside a stream)  -> ignored: clients send it alongside for old servers
//   synthesize-stop               -> the last sentence's audio, then synthesize-stopped
//
// as wyoming-piper 2.x answers. Audio is s16le mono at the voice's rate, each
// chunk at most WyomingConfig::chunk_ms long, sent as the engine produces it.
// Bad input is answered with `error` {text, code} and the session goes on.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "engines/synthesizer.h"
#include "text/sentence_splitter.h"
#include "watermark/watermarker.h"
#include "wyoming/config.h"
#include "wyoming/event.h"
#include "wyoming/metrics.h"

namespace vox::wyoming {

// One synthesis a session ran (its text prepared), as the server reports it
// to whoever keeps the audit trail: the protocol has no user, so no "who"
// beyond the listener; the text only as its SHA-256.
struct SpokenRecord {
  std::string route;  // "synthesize" or "stream"
  std::string voice_id;
  size_t chars = 0;
  std::string text_sha256;
  std::string outcome;  // ok, canceled, error
  std::string mark_id;  // the id its watermark carries (a fresh UUID: Wyoming has no job)
};
using SpokenSink = std::function<void(const SpokenRecord&)>;

// What every session shares; immutable while the server runs.
struct SessionContext {
  const engines::EngineRegistry& registry;
  const engines::Synthesizer& synthesizer;
  const WyomingConfig& config;
  nlohmann::json info_data;           // BuildInfoData()
  WyomingMetrics* metrics = nullptr;  // optional
  SpokenSink on_spoken;               // optional; called on the synthesis thread
  // Optional; marks every synthesis.
  const watermark::Watermarker* watermarker = nullptr;
};

class Session {
 public:
  using Send = std::function<Status(Event&& event)>;
  using Canceled = std::function<bool()>;

  Session(const SessionContext& context, Send send, Canceled canceled);

  // Handles one event. Fails only when the connection is gone (send failed or
  // canceled): the caller then stops feeding events.
  Status Handle(const Event& event);

  // The error event for `error`: {"text", "code"} with Vox's error code name.
  static Event ErrorEvent(const Error& error);

 private:
  struct Stream {
    std::string voice_id, language;
    text::SentenceSplitter splitter;
    size_t chars = 0;
    bool failed = false;  // its voice or a limit was refused: the rest is dropped
  };

  Status Synthesize(const Event& event);
  Status StartStream(const Event& event);
  Status StreamChunk(const Event& event);
  Status StopStream();
  // Synthesizes `text` between one audio-start and one audio-stop. An error
  // the client caused is answered with an error event.
  Status Speak(const std::string& text, const std::string& voice_id, const std::string& language,
               const char* route);
  Status SendError(const Error& error);

  const SessionContext& context_;
  Send send_;
  Canceled canceled_;
  std::optional<Stream> stream_;
};

}  // namespace vox::wyoming
