#include "wyoming/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "audio/dsp.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "text/utf8.h"
#include "wyoming/voice_selection.h"

namespace vox::wyoming {
namespace {

using Clock = std::chrono::steady_clock;

Event AudioFormatEvent(const char* type, int rate) {
  return {type, {{"rate", rate}, {"width", 2}, {"channels", 1}}, {}};
}

// Little-endian s16 bytes of samples [begin, end).
std::string ToPcm16(const std::vector<float>& samples, size_t begin, size_t end) {
  std::string out(2 * (end - begin), '\0');
  for (size_t i = begin; i < end; ++i) {
    auto value = static_cast<uint16_t>(audio::FloatToPcm16(samples[i]));
    out[2 * (i - begin)] = static_cast<char>(value & 0xff);
    out[2 * (i - begin) + 1] = static_cast<char>(value >> 8);
  }
  return out;
}

// A required string member of an event's data.
Result<std::string> TextOf(const Event& event) {
  auto it = event.data.find("text");
  if (it == event.data.end() || !it->is_string()) {
    return InvalidArgument(event.type + " needs a string \"text\"", "text");
  }
  return it->get<std::string>();
}

// A reference, never a copy: copying JSON recurses, and a client's value may nest deeply.
const nlohmann::json& VoiceOf(const Event& event) {
  static const nlohmann::json kNone;
  auto it = event.data.find("voice");
  return it == event.data.end() ? kNone : *it;
}

// Times one synthesis' audio-chunks as they are handed to the connection, as the HTTP
// streams do: the first from the request (the time-to-first-audio histogram), each later
// one from the one before (the chunk-gap histogram).
class ChunkLatency {
 public:
  ChunkLatency(WyomingMetrics* metrics, const char* route, const std::string& engine,
               Clock::time_point start)
      : metrics_(metrics), labels_{std::string("wyoming/") + route, engine}, last_(start) {}

  void Sent() {
    if (!metrics_) return;
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    if (first_) {
      metrics_->stream_first_audio.With(labels_).Observe(seconds);
    } else {
      metrics_->stream_chunk_gap.With(labels_).Observe(seconds);
    }
    first_ = false;
    last_ = now;
  }

 private:
  WyomingMetrics* metrics_;
  obs::LabelValues labels_;  // {route, engine} of the shared families
  Clock::time_point last_;
  bool first_ = true;
};

}  // namespace

Session::Session(const SessionContext& context, Send send, Canceled canceled)
    : context_(context), send_(std::move(send)), canceled_(std::move(canceled)) {}

Event Session::ErrorEvent(const Error& error) {
  return {"error", {{"text", error.message}, {"code", ErrorCodeName(error.code)}}, {}};
}

Status Session::SendError(const Error& error) { return send_(ErrorEvent(error)); }

Status Session::Handle(const Event& event) {
  if (event.type == "describe") return send_({"info", context_.info_data, {}});
  if (event.type == "ping") {
    // Only the text is echoed: the client's other data is never copied or re-serialized.
    auto text = event.data.find("text");
    nlohmann::json data = nlohmann::json::object();
    if (text != event.data.end() && text->is_string()) data["text"] = *text;
    return send_({"pong", std::move(data), {}});
  }
  if (event.type == "synthesize") return stream_ ? Status{} : Synthesize(event);
  if (event.type == "synthesize-start") return StartStream(event);
  if (event.type == "synthesize-chunk") return StreamChunk(event);
  if (event.type == "synthesize-stop") return StopStream();
  return SendError({ErrorCode::kInvalidArgument,
                    "unknown event type '" + event.type.substr(0, 64) + "'", "type"});
}

Status Session::Synthesize(const Event& event) {
  auto text = TextOf(event);
  if (!text) return SendError(text.error());
  auto choice = SelectVoice(context_.registry, context_.config.default_voice, VoiceOf(event));
  if (!choice) return SendError(choice.error());
  return Speak(*text, choice->voice_id, choice->language, "synthesize");
}

Status Session::StartStream(const Event& event) {
  stream_.emplace();
  auto choice = SelectVoice(context_.registry, context_.config.default_voice, VoiceOf(event));
  if (!choice) {
    stream_->failed = true;
    return SendError(choice.error());
  }
  stream_->voice_id = choice->voice_id;
  stream_->language = choice->language;
  return {};
}

Status Session::StreamChunk(const Event& event) {
  if (!stream_) {
    return SendError({ErrorCode::kInvalidArgument,
                      "synthesize-chunk outside a stream (send synthesize-start first)", "type"});
  }
  if (stream_->failed) return {};
  auto text = TextOf(event);
  if (!text) return SendError(text.error());
  stream_->chars += text::CountCodePoints(*text);
  if (stream_->chars > context_.config.limits.max_chars) {
    stream_->failed = true;
    return SendError({ErrorCode::kResourceExhausted,
                      "the stream's text is over " +
                          std::to_string(context_.config.limits.max_chars) + " characters",
                      "text"});
  }
  stream_->splitter.Feed(*text);
  std::string sentence;
  while (stream_->splitter.Next(&sentence)) {
    VOX_RETURN_IF_ERROR(Speak(sentence, stream_->voice_id, stream_->language, "stream"));
  }
  return {};
}

Status Session::StopStream() {
  if (!stream_) {
    return SendError({ErrorCode::kInvalidArgument,
                      "synthesize-stop outside a stream (send synthesize-start first)", "type"});
  }
  if (!stream_->failed) {
    stream_->splitter.Finish();
    std::string sentence;
    while (stream_->splitter.Next(&sentence)) {
      VOX_RETURN_IF_ERROR(Speak(sentence, stream_->voice_id, stream_->language, "stream"));
    }
  }
  stream_.reset();
  return send_({"synthesize-stopped", nlohmann::json::object(), {}});
}

Status Session::Speak(const std::string& text, const std::string& voice_id,
                      const std::string& language, const char* route) {
  const auto start = Clock::now();
  auto count = [&](const char* outcome) {
    if (context_.metrics) context_.metrics->requests.With({route, outcome}).Inc();
  };
  engines::SynthesisParams params;
  params.language = language;
  auto plan = context_.synthesizer.Prepare(text, voice_id, params, context_.config.limits);
  if (!plan) {
    count("error");
    return SendError(plan.error());
  }
  // From here on it is a synthesis: reported however it ends.
  SpokenRecord spoken{route, plan->voice.id, plan->text_chars, Sha256Hex(text), "error", NewUuid()};
  struct Report {
    const SpokenSink& sink;
    const SpokenRecord& record;
    ~Report() {
      if (sink) sink(record);
    }
  } report{context_.on_spoken, spoken};
  auto counted = [&](const char* outcome) {
    spoken.outcome = outcome;
    count(outcome);
  };
  ChunkLatency latency(context_.metrics, route, plan->voice.engine, start);
  const int rate = plan->voice.sample_rate;
  VOX_RETURN_IF_ERROR(send_(AudioFormatEvent("audio-start", rate)));
  const size_t max_samples =
      std::max<size_t>(1, static_cast<size_t>(rate) * context_.config.chunk_ms / 1000);
  Status sent;  // why the sink stopped, when the connection is gone
  auto mark = context_.watermarker != nullptr
                  ? context_.watermarker->ForJob(spoken.mark_id, rate, 1)
                  : std::make_unique<watermark::JobMark>(nullptr);
  auto send_audio = [&](const audio::PcmBuffer& pcm) -> Status {
    for (size_t begin = 0; begin < pcm.samples.size(); begin += max_samples) {
      size_t end = std::min(pcm.samples.size(), begin + max_samples);
      Event chunk = AudioFormatEvent("audio-chunk", pcm.sample_rate);
      chunk.payload = ToPcm16(pcm.samples, begin, end);
      latency.Sent();
      sent = send_(std::move(chunk));
      if (!sent) return sent;
    }
    return {};
  };
  auto sink = [&](const audio::PcmBuffer& pcm) -> Status { return send_audio(mark->Process(pcm)); };
  auto run = context_.synthesizer.Run(*plan, sink, canceled_);
  if (run && sent) {
    if (audio::PcmBuffer held = mark->Finish(); !held.empty()) (void)send_audio(held);
  }
  if (!sent || (!run && run.error().code == ErrorCode::kCanceled)) {
    counted("canceled");
    return sent ? Status(MakeError(ErrorCode::kCanceled, "synthesis canceled")) : sent;
  }
  if (!run) {
    // Said before audio-stop, so a client reading until audio-stop sees it.
    counted("error");
    spdlog::warn("wyoming: synthesis failed: {}", run.error().ToString());
    VOX_RETURN_IF_ERROR(SendError(run.error()));
  } else {
    counted("ok");
  }
  return send_({"audio-stop", nlohmann::json::object(), {}});
}

}  // namespace vox::wyoming
