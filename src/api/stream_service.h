// StreamService: synthesis streamed to the client as it is produced, for every front end
// that streams (native /v1/tts/stream, OpenAI /v1/audio/speech).
//
// Prepare() runs on the handler pool and does everything that can fail before a byte is
// sent (voice, text, params, encoder), so such errors still get a proper status. Start()
// answers with the header and a BodyStream and runs the synthesis on the stream pool (its own
// bounded threads, never the network's): each engine chunk is encoded and written at once,
// so the first audio leaves after the first chunk of the first sentence. The client leaving
// cancels the synthesis (the BodyStream's cancel flag is the engine's cancel check, polled
// inside sentences); a full buffer holds it back.
//
// A stream identical to an earlier one is answered from the audio cache (stream_cache.h:
// X-Vox-Cache hit or miss, the job's cache_hit), marked with its own job id.
//
// Every stream is recorded like a job, once it ends: a job row in a final status (done,
// canceled when the client left, failed), its received/preprocessing/inference events with
// their times, audio seconds and bytes sent, no audio kept; plus an audit event. When the
// engine times its words, a stream that ends done also leaves its word timestamps beside
// where its audio would be (engines::TimestampsKey), shown with the job; an SSML stream's
// marks (their times in the audio sent) are kept in the same file and shown with the job too. The
// row is written whole at the end, so no stream is ever a running job another process could
// requeue, and it is visible from then on under the id sent in X-Vox-Job-Id.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/authenticator.h"
#include "api/stream_cache.h"
#include "api/usage_meter.h"
#include "audio/stream_encoder.h"
#include "blob/blob_store.h"
#include "engines/synthesizer.h"
#include "http/body_stream.h"
#include "http/response.h"
#include "obs/metrics.h"
#include "rollout/model_router.h"
#include "store/store.h"
#include "text/timed_text.h"
#include "watermark/watermarker.h"

namespace vox::api {

struct StreamServiceConfig {
  // VOX_STREAM_THREADS: streams synthesized at once. A stream holds its thread until its
  // client has read the audio (backpressure), which for a player is the audio's duration, so
  // the bound is on clients, not CPU: the engines' RTF is ~0.01-0.4.
  int threads = 32;
  // Streams accepted beyond `threads` wait for a thread; past threads + max_waiting a new
  // stream is refused (503, Retry-After) rather than queued without bound.
  int max_waiting = 16;
  size_t max_buffered_bytes = 256 * 1024;           // per stream, waiting for a slow reader
  std::chrono::milliseconds stall_timeout{60'000};  // a reader that takes nothing this long
  Status Validate() const;
};

// What to synthesize, protocol-neutral.
struct StreamSpec {
  std::string text;
  bool ssml = false;     // `text` is an SSML document (its marks are kept with the timestamps)
  std::string voice_id;  // a built-in voice or the caller's clone; empty: the language's default
  std::string language;
  double speed = 1.0;
  double pitch = 1.0;
  audio::StreamEncoderOptions encode;
  std::string route;  // the route template, for metrics and the audit detail
};

struct StreamUsage {
  size_t input_chars = 0;
  double audio_seconds = 0;
  uint64_t bytes = 0;  // audio bytes (before any framing)
};

// A piece of encoded audio with the characters heard in it, for framings that carry
// timings (ElevenLabs' with-timestamps). The alignments cover the text from where the
// previous piece's ended; all pieces' joined are the whole text (times from the start).
struct StreamPiece {
  std::string_view audio;                     // may be empty on the last piece: the text's tail
  const text::CharacterAlignment& alignment;  // on the request's text
  const text::CharacterAlignment& normalized_alignment;  // on what the engine spoke
  // Where `audio` begins on the alignments' clock. A stream whose text comes in pieces
  // (TextSource) restarts that clock at each piece of text.
  double start_s = 0;
};

// The text of a stream that arrives in pieces (ElevenLabs' WebSocket stream-input), read
// by the stream's thread.
class TextSource {
 public:
  virtual ~TextSource() = default;
  // Blocks until the next piece of text to speak; nullopt once the text has ended (or its
  // client left: the stream's BodyStream is canceled then).
  virtual std::optional<std::string> Next() = 0;
  // Why the stream failed (a bad voice or text, an engine error); called at most once,
  // before the stream's BodyStream is aborted.
  virtual void Failed(const Error& error) = 0;
};

// How encoded audio goes on the wire: raw bytes (no functions) or events (SSE).
struct StreamFraming {
  std::function<std::string(std::string_view audio)> audio;  // null: the bytes as they are
  std::function<std::string(const StreamPiece&)> piece;      // set: used instead of `audio`
  std::function<std::string(const StreamUsage&)> done;       // null: nothing after the audio
  std::string content_type;                                  // empty: the audio's own
};

struct PreparedStream;  // stream_service.cc

class StreamService {
 public:
  // `blobs` keeps the streams' word timestamps (null: not kept).
  StreamService(store::Store& store, blob::BlobStore* blobs,
                const engines::Synthesizer& synthesizer, obs::Registry& metrics,
                StreamServiceConfig config, text::TextLimits limits);
  ~StreamService();  // waits for running streams (their clients are gone by then)

  // Errors name the field as the pipeline knows it: "text", "voice", "language", "speed",
  // "pitch", "format", "sample_rate"; kUnavailable when too many streams are in flight.
  Result<std::shared_ptr<PreparedStream>> Prepare(const Principal& who, const StreamSpec& spec,
                                                  const std::string& request_id);
  // The response to send now (200, Content-Type, X-Vox-Job-Id, X-Vox-Model-Version, the
  // stream); the synthesis starts on the stream pool.
  http::Response Start(std::shared_ptr<PreparedStream> stream, StreamFraming framing);

  // A stream whose text comes from `source` piece by piece, each spoken as it comes, into
  // `out`, which the caller consumes (a WebSocket session: one Write is one message). One
  // encoder and one recorded job (its text all the pieces joined) for the whole stream;
  // nothing is recorded when no text came. `spec.text` is ignored; errors of a piece go to
  // `source.Failed`. kUnavailable when too many streams are in flight.
  Status StartPieces(const Principal& who, StreamSpec spec, const std::string& request_id,
                     std::shared_ptr<TextSource> source, StreamFraming framing,
                     std::shared_ptr<http::BodyStream> out);

  void Stop();  // joins the pool
  // Checks plans and charges usage through `meter` (null: neither). Set before serving.
  void UseMeter(UsageMeter* meter) { meter_ = meter; }
  // Marks every stream's audio with its job id, chunk by chunk (null: unmarked). Not owned;
  // set before serving.
  void UseWatermarker(const watermark::Watermarker* watermarker) { watermarker_ = watermarker; }
  // Answers repeated streams from `cache` (stream_cache.h; null, or no blob store: never).
  // Not owned; set before serving.
  void UseCache(cache::AudioCache* cache) { cache_ = cache; }

 private:
  struct Output;  // stream_service.cc: what is being sent, and its timings
  Status CheckCapacity() const;
  Result<std::shared_ptr<PreparedStream>> PrepareSpec(const Principal& who, const StreamSpec& spec,
                                                      const std::string& request_id);
  // The next piece of a TextSource stream: a plan for `text` on the stream's voice.
  Status Continue(PreparedStream& s, const std::string& text);
  void Run(PreparedStream& s, const StreamFraming& framing, http::BodyStream& out);
  void RunPieces(const Principal& who, StreamSpec spec, const std::string& request_id,
                 TextSource& source, const StreamFraming& framing, http::BodyStream& out);
  // The plan's audio (its text `text`) encoded and sent; the encoder stays open.
  Status Speak(PreparedStream& s, const std::string& text, Output& o);
  // A cache hit: the master's audio sent through the stream's own watermark and encoder.
  Status Replay(PreparedStream& s, Output& o);
  Status Send(Output& o, std::string&& bytes, bool last);
  // The encoder's tail and the framing's end, then Finish or Abort and Record.
  void End(PreparedStream& s, Status ran, Output& o);
  void Record(PreparedStream& s, store::JobStatus status, const std::string& reason);
  // A done stream's timestamps and marks (its own, or its master's on a hit), and a miss's
  // audio as the master of its cache key; before its body ends and its row is written.
  void KeepSideFiles(PreparedStream& s);

  store::Store& store_;
  blob::BlobStore* const blobs_;
  const engines::Synthesizer& synthesizer_;
  const rollout::ModelRouter router_;  // which version of a voice a stream speaks
  const StreamServiceConfig config_;
  const text::TextLimits limits_;
  obs::Family<obs::Histogram>& first_audio_;
  obs::Family<obs::Histogram>& chunk_gap_;
  obs::Family<obs::Counter>& streams_;
  UsageMeter* meter_ = nullptr;
  const watermark::Watermarker* watermarker_ = nullptr;
  cache::AudioCache* cache_ = nullptr;
  obs::Family<obs::Counter>& cache_lookups_;
  std::atomic<int> in_flight_{0};  // accepted by Start(), not yet ended
  boost::asio::thread_pool pool_;
};

}  // namespace vox::api
