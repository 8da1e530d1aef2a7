#include "api/stream_service.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "cloning/voice_resolver.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "engines/timeline.h"
#include "obs/log.h"
#include "obs/stream_latency.h"
#include "store/job_params.h"

namespace vox::api {

using nlohmann::json;
using store::JobStatus;
using Steady = std::chrono::steady_clock;

struct PreparedStream {
  Principal who;
  std::string request_id;
  std::string route;
  engines::SynthesisPlan plan;
  std::unique_ptr<audio::StreamEncoder> encoder;
  std::unique_ptr<watermark::JobMark> mark;  // before the encoder: the job's id in its audio
  audio::StreamFormat format;
  store::Job job;  // filled as it goes; written when the stream ends
  std::vector<store::JobEvent> events;
  Steady::time_point started;
  std::optional<double> first_audio_s;
  StreamUsage usage;
  std::vector<text::WordTime> words;  // when the engine timed them; kept if the stream ends done
  json marks = json::array();         // SSML marks reached: {"name","time"}; kept with the words
  store::UsageTags usage_tags;        // the usage row it charges
  // For the next piece of a TextSource stream: the resolved voice and its parameters, and
  // where the piece starts in the job's text (code points) and audio (seconds).
  std::string engine_voice;
  engines::SynthesisParams params;
  size_t text_chars_before = 0;
  double audio_s_before = 0;
  double audio_s_spoken = 0;  // all pieces so far
  // The audio cache (stream_cache.h): the key (empty: not cached), the entry of a hit, and
  // the master written while a miss is sent.
  std::string cache_key;
  std::optional<store::CacheEntry> cached;
  std::unique_ptr<StreamMaster> master;
};

struct StreamService::Output {
  PreparedStream& s;
  const StreamFraming& framing;
  http::BodyStream& out;
  bool client_gone = false;
  Steady::time_point last_sent;
  // Characters heard in audio not yet sent (an encoder may hold a chunk back), and where
  // that audio starts on their clock (negative: none yet).
  text::CharacterAlignment pending, pending_normalized;
  double piece_start = -1;
};

Status StreamServiceConfig::Validate() const {
  if (threads < 1 || threads > 1024)
    return InvalidArgument("must be 1..1024", "VOX_STREAM_THREADS");
  if (max_waiting < 0) return InvalidArgument("must be >= 0", "max_waiting");
  if (max_buffered_bytes < 4096) return InvalidArgument("must be >= 4096", "max_buffered_bytes");
  return {};
}

StreamService::StreamService(store::Store& store, blob::BlobStore* blobs,
                             const engines::Synthesizer& synthesizer, obs::Registry& metrics,
                             StreamServiceConfig config, text::TextLimits limits)
    : store_(store),
      blobs_(blobs),
      synthesizer_(synthesizer),
      router_(store, synthesizer.registry()),
      config_(config),
      limits_(limits),
      first_audio_(obs::StreamTimeToFirstAudio(metrics)),
      chunk_gap_(obs::StreamChunkGap(metrics)),
      streams_(metrics.AddCounter(
          "vox_streams_total", "Streamed syntheses by route and outcome (done, canceled, failed).",
          {"route", "outcome"})),
      cache_lookups_(metrics.AddCounter(
          "vox_stream_cache_total",
          "Streams looked up in the audio cache, by route and result (hit, miss).",
          {"route", "result"})),
      pool_(static_cast<size_t>(std::max(1, config.threads))) {}

StreamService::~StreamService() { Stop(); }

void StreamService::Stop() { pool_.join(); }

Status StreamService::CheckCapacity() const {
  if (in_flight_.load() >= config_.threads + config_.max_waiting) {
    return Unavailable("too many streams in progress; retry shortly");
  }
  return {};
}

Result<std::shared_ptr<PreparedStream>> StreamService::Prepare(const Principal& who,
                                                               const StreamSpec& spec,
                                                               const std::string& request_id) {
  VOX_RETURN_IF_ERROR(CheckCapacity());
  VOX_ASSIGN_OR_RETURN(auto s, PrepareSpec(who, spec, request_id));
  if (cache_ != nullptr && blobs_ != nullptr) {
    s->cache_key = StreamCacheKey(who, s->plan, s->job.model_version,
                                  s->job.voice_id == s->plan.voice.id ? "" : s->job.voice_id);
    s->job.cache_key = s->cache_key;  // so revoking a clone's consent also drops the entry
    s->cached = FindStreamMaster(*blobs_, *cache_, s->cache_key);
  }
  return s;
}

Result<std::shared_ptr<PreparedStream>> StreamService::PrepareSpec(const Principal& who,
                                                                   const StreamSpec& spec,
                                                                   const std::string& request_id) {
  auto s = std::make_shared<PreparedStream>();
  s->started = Steady::now();
  const int64_t received_at = NowMs();
  engines::SynthesisParams params;
  params.speed = spec.speed;
  params.pitch = spec.pitch;
  params.language = spec.language;
  auto voice = cloning::VoiceResolver(store_).ForSynthesis(
      spec.voice_id, cloning::Caller{who.user_id, who.is_admin});
  if (!voice) return std::unexpected(voice.error());
  const int64_t prepare_at = NowMs();
  const std::string job_id = NewUuid();  // also the routing key of its model version
  std::string engine_voice = voice->EngineVoice(params);
  if (!voice->is_clone()) engine_voice = router_.Route(engine_voice, job_id);
  VOX_ASSIGN_OR_RETURN(
      s->plan, spec.ssml ? synthesizer_.PrepareSsml(spec.text, engine_voice, params, limits_)
                         : synthesizer_.Prepare(spec.text, engine_voice, params, limits_));
  VOX_ASSIGN_OR_RETURN(s->encoder,
                       audio::StreamEncoder::Create(spec.encode, s->plan.voice.sample_rate));
  s->mark = watermarker_ != nullptr ? watermarker_->ForJob(job_id, s->plan.voice.sample_rate, 1)
                                    : std::make_unique<watermark::JobMark>(nullptr);
  s->engine_voice = engine_voice;
  s->params = params;
  s->who = who;
  s->request_id = request_id;
  s->route = spec.route;
  s->format = spec.encode.format;
  s->usage.input_chars = s->plan.text_chars;

  store::Job& job = s->job;
  job.id = job_id;
  job.user_id = who.user_id;
  job.voice_id = voice->is_clone() ? voice->id : s->plan.voice.id;
  job.model_version = s->plan.model_version();
  if (voice->is_clone()) {
    job.model_version += "+conversion/" + std::to_string(params.conversion->version);
  }
  job.text = spec.text;
  store::JobParams job_params{s->plan.params.language,
                              spec.encode.sample_rate,
                              spec.speed,
                              spec.pitch,
                              {},
                              std::string(text::kNormalizerVersion)};
  job_params.styles = s->plan.styles.ToJson();
  job.params = job_params.ToJson();
  job.format = audio::StreamFormatName(spec.encode.format);
  job.request_hash = Sha256Hex(json{{"route", spec.route}, {"text", spec.text}}.dump());
  job.max_attempts = 1;
  job.attempts = 1;
  job.created_at = job.next_attempt_at = received_at;
  job.started_at = received_at;
  s->events = {{0, "", JobStatus::kReceived, received_at, 1, "stream via " + spec.route},
               {0, "", JobStatus::kPreprocessing, prepare_at, 1, ""}};
  // Accepted when its characters fit the plan's quota: charged now (the check
  // and the charge one step of the store), its audio seconds when it ends.
  s->usage_tags = UsageMeter::Tags(who, spec.route,
                                   store::VoiceKindOf(voice->is_clone(), s->plan.voice.engine));
  if (meter_ != nullptr) {
    VOX_RETURN_IF_ERROR(meter_->Charge(who, s->usage_tags, s->plan.text_chars));
  }
  return s;
}

http::Response StreamService::Start(std::shared_ptr<PreparedStream> s, StreamFraming framing) {
  auto out = std::make_shared<http::BodyStream>(config_.max_buffered_bytes, config_.stall_timeout);
  http::Response r;
  r.headers.Set("Content-Type",
                framing.content_type.empty()
                    ? audio::StreamContentType(s->format, s->encoder->output_sample_rate())
                    : framing.content_type);
  r.headers.Set("X-Vox-Job-Id", s->job.id);
  r.headers.Set("X-Vox-Model-Version", s->job.model_version);
  r.headers.Set("Cache-Control", "no-store");
  // Pieces with alignments (ElevenLabs' with-timestamps) come from the engine's timings as
  // the audio is made: those are synthesized, and still leave their audio for later hits.
  if (framing.piece) s->cached.reset();
  if (!s->cache_key.empty()) {
    r.headers.Set("X-Vox-Cache", s->cached ? "hit" : "miss");
    cache_lookups_.With({s->route, s->cached ? "hit" : "miss"}).Inc();
  }
  r.stream = out;
  r.log_principal = s->who.key_id;
  ++in_flight_;
  boost::asio::post(pool_, [this, s = std::move(s), framing = std::move(framing), out] {
    obs::LogContext context(s->request_id, s->job.id);
    try {
      Run(*s, framing, *out);
    } catch (const std::exception& e) {
      spdlog::error("stream threw: {}", e.what());
      out->Abort();
      Record(*s, JobStatus::kFailed, "internal error");
    }
    --in_flight_;
  });
  return r;
}

Status StreamService::StartPieces(const Principal& who, StreamSpec spec,
                                  const std::string& request_id, std::shared_ptr<TextSource> source,
                                  StreamFraming framing, std::shared_ptr<http::BodyStream> out) {
  VOX_RETURN_IF_ERROR(CheckCapacity());
  ++in_flight_;
  boost::asio::post(pool_, [this, who, spec = std::move(spec), request_id,
                            source = std::move(source), framing = std::move(framing), out] {
    obs::LogContext context(request_id, "");
    try {
      RunPieces(who, spec, request_id, *source, framing, *out);
    } catch (const std::exception& e) {
      spdlog::error("stream threw: {}", e.what());
      out->Abort();
    }
    --in_flight_;
  });
  return {};
}

Status StreamService::Continue(PreparedStream& s, const std::string& text) {
  s.text_chars_before = s.plan.text_chars + s.text_chars_before;
  s.audio_s_before = s.audio_s_spoken;
  VOX_ASSIGN_OR_RETURN(s.plan, synthesizer_.Prepare(text, s.engine_voice, s.params, limits_));
  if (meter_ != nullptr) {  // each piece is accepted, and charged, as it comes
    VOX_RETURN_IF_ERROR(meter_->Charge(s.who, s.usage_tags, s.plan.text_chars));
  }
  s.job.text += text;
  s.usage.input_chars += s.plan.text_chars;
  return {};
}

void StreamService::RunPieces(const Principal& who, StreamSpec spec, const std::string& request_id,
                              TextSource& source, const StreamFraming& framing,
                              http::BodyStream& out) {
  std::shared_ptr<PreparedStream> s;
  std::optional<Output> o;
  Status ran;
  while (auto text = source.Next()) {
    if (!s) {
      spec.text = *text;
      auto prepared = PrepareSpec(who, spec, request_id);
      if (!prepared) {
        ran = std::unexpected(prepared.error());
        break;
      }
      s = std::move(*prepared);
      s->events.push_back({0, "", JobStatus::kInference, NowMs(), 1, "streaming"});
      o.emplace(*s, framing, out);
    } else if (ran = Continue(*s, *text); !ran) {
      break;
    }
    ran = Speak(*s, *text, *o);
    if (ran) ran = Send(*o, {}, true);  // the piece's last characters, not held for the next
    if (!ran) break;
  }
  if (!ran && ran.error().code != ErrorCode::kCanceled && !out.canceled()) {
    source.Failed(ran.error());
  }
  if (s) return End(*s, ran, *o);
  if (ran && framing.done && out.Write(framing.done(StreamUsage{}))) return out.Finish();
  out.Abort();
}

void StreamService::Run(PreparedStream& s, const StreamFraming& framing, http::BodyStream& out) {
  Output o{s, framing, out};
  if (s.cached) {
    if (Status replayed = Replay(s, o); replayed || s.usage.bytes > 0) return End(s, replayed, o);
    s.cached.reset();  // the master could not be read: synthesize after all
    s.job.cache_hit = false;
  }
  s.events.push_back({0, "", JobStatus::kInference, NowMs(), 1, "streaming"});
  if (!s.cache_key.empty()) {
    auto master = StreamMaster::Open(s.job.id, s.plan.voice.sample_rate);
    if (master) {
      s.master = std::move(*master);
    } else {
      spdlog::warn("stream {}: not cached: {}", s.job.id, master.error().ToString());
    }
  }
  End(s, Speak(s, s.job.text, o), o);
}

Status StreamService::Replay(PreparedStream& s, Output& o) {
  auto pcm = ReadStreamMaster(*blobs_, *s.cached);
  if (!pcm) {
    spdlog::warn("stream {}: cached audio unreadable: {}", s.job.id, pcm.error().ToString());
    return std::unexpected(pcm.error());
  }
  s.job.cache_hit = true;
  s.events.push_back({0, "", JobStatus::kInference, NowMs(), 1, "cache hit"});
  // Sent as the engine would, in pieces, each through the stream's watermark and encoder.
  const size_t step = static_cast<size_t>(pcm->sample_rate) / 2;
  for (size_t at = 0; at < pcm->samples.size() && !o.out.canceled(); at += step) {
    audio::PcmBuffer piece;
    piece.sample_rate = pcm->sample_rate;
    piece.channels = 1;
    piece.samples.assign(
        pcm->samples.begin() + static_cast<ptrdiff_t>(at),
        pcm->samples.begin() + static_cast<ptrdiff_t>(std::min(at + step, pcm->samples.size())));
    std::string bytes;
    VOX_RETURN_IF_ERROR(s.encoder->Write(s.mark->Process(piece), bytes));
    VOX_RETURN_IF_ERROR(Send(o, std::move(bytes), false));
  }
  if (o.out.canceled()) return MakeError(ErrorCode::kCanceled, "the client went away");
  return {};
}

Status StreamService::Send(Output& o, std::string&& bytes, bool last) {
  PreparedStream& s = o.s;
  const bool tail_text = last && o.framing.piece && !o.pending.characters.empty();
  if (bytes.empty() && !tail_text) return {};
  const auto now = Steady::now();
  if (!bytes.empty() && !s.first_audio_s) {
    s.first_audio_s = std::chrono::duration<double>(now - s.started).count();
    first_audio_.With({s.route, s.plan.voice.engine}).Observe(*s.first_audio_s);
  } else if (!bytes.empty()) {
    chunk_gap_.With({s.route, s.plan.voice.engine})
        .Observe(std::chrono::duration<double>(now - o.last_sent).count());
  }
  if (!bytes.empty()) o.last_sent = now;
  s.usage.bytes += bytes.size();
  std::string wire;
  if (o.framing.piece) {
    double start = o.piece_start;
    if (start < 0) start = o.pending.start_s.empty() ? 0 : o.pending.start_s.front();
    wire = o.framing.piece(StreamPiece{bytes, o.pending, o.pending_normalized, start});
    o.pending = {};
    o.pending_normalized = {};
  } else {
    wire = o.framing.audio ? o.framing.audio(bytes) : std::move(bytes);
  }
  o.piece_start = -1;
  if (!o.out.Write(std::move(wire))) {
    o.client_gone = true;
    return MakeError(ErrorCode::kCanceled, "the client went away");
  }
  return {};
}

Status StreamService::Speak(PreparedStream& s, const std::string& text, Output& o) {
  engines::Timeline timeline(s.plan, text);
  text::CharacterAligner raw_aligner(timeline.raw_text());
  text::CharacterAligner normalized_aligner(timeline.normalized_text());
  double audio_s = 0;
  cloning::SentenceGuard guard(store_, s.job.voice_id);  // a clone revoked meanwhile stops here
  Status ran = synthesizer_.RunSentences(
      s.plan,
      [&](size_t sentence, engines::AudioChunk&& chunk) -> Status {
        VOX_RETURN_IF_ERROR(guard.Check(sentence));
        audio_s = chunk.offset_s + chunk.pcm.duration_s();
        if (o.piece_start < 0) o.piece_start = chunk.offset_s;
        const auto words = timeline.Add(sentence, chunk);
        if (o.framing.piece) {
          text::Append(o.pending, raw_aligner.Advance(words.raw));
          text::Append(o.pending_normalized, normalized_aligner.Advance(words.normalized));
        }
        std::string bytes;
        VOX_RETURN_IF_ERROR(s.encoder->Write(s.mark->Process(chunk.pcm), bytes));
        VOX_RETURN_IF_ERROR(Send(o, std::move(bytes), false));
        // The cache's copy (unmarked, for hits) after the client's: its FLAC encoding and
        // file write would otherwise delay every chunk, the first audio included.
        if (s.master && !s.master->Write(chunk.pcm)) s.master.reset();
        return {};
      },
      [&] { return o.out.canceled(); },
      [&](const std::string& name, double time_s) {
        s.marks.push_back({{"name", name}, {"time", s.audio_s_before + time_s}});
      });
  if (ran && o.framing.piece) {
    text::Append(o.pending, raw_aligner.Finish(audio_s));
    text::Append(o.pending_normalized, normalized_aligner.Finish(audio_s));
  }
  if (timeline.timed()) {
    // On the whole stream's text and audio (a TextSource stream's pieces follow each other).
    for (text::WordTime w : timeline.words()) {
      w.char_begin += s.text_chars_before;
      w.char_end += s.text_chars_before;
      w.start_s += s.audio_s_before;
      w.end_s += s.audio_s_before;
      s.words.push_back(std::move(w));
    }
  }
  s.audio_s_spoken += audio_s;
  return ran;
}

void StreamService::End(PreparedStream& s, Status ran, Output& o) {
  http::BodyStream& out = o.out;
  if (ran) {
    std::string tail;
    if (audio::PcmBuffer held = s.mark->Finish(); !held.empty()) ran = s.encoder->Write(held, tail);
    if (ran) ran = s.encoder->Finish(tail);
    if (ran) ran = Send(o, std::move(tail), true);
  }
  s.usage.audio_seconds = s.encoder->output_seconds();
  if (ran && o.framing.done && !out.Write(o.framing.done(s.usage))) {
    o.client_gone = true;
    ran = MakeError(ErrorCode::kCanceled, "the client went away");
  }
  if (ran) {
    // Before the body ends: a client that asks again once it has the audio finds its
    // timestamps, marks and cached audio.
    if (blobs_ != nullptr) KeepSideFiles(s);
    out.Finish();
    return Record(s, JobStatus::kDone, "");
  }
  out.Abort();
  if (o.client_gone || out.canceled() || ran.error().code == ErrorCode::kCanceled) {
    return Record(s, JobStatus::kCanceled,
                  "the client disconnected or stopped reading after " +
                      std::to_string(s.usage.bytes) + " bytes (" +
                      std::to_string(s.usage.audio_seconds) + " s of audio)");
  }
  spdlog::error("stream failed: {}", ran.error().ToString());
  Record(s, JobStatus::kFailed, ran.error().message);
}

void StreamService::KeepSideFiles(PreparedStream& s) {
  const store::Job& job = s.job;
  std::string doc;
  if (!s.words.empty() || !s.marks.empty()) {
    doc = engines::TimestampsDocument(job.id, job.text, s.words, s.marks);
  } else if (s.cached) {
    // A hit's come with its master (they say which text they are on: JobService checks it).
    if (auto kept = blobs_->Get(cache::MasterTimestampsKey(s.cache_key))) doc = std::move(*kept);
  }
  if (!doc.empty()) {
    if (auto kept = blobs_->Put(engines::TimestampsKey(job.id), doc, "application/json"); !kept) {
      spdlog::warn("stream {}: timestamps not kept: {}", job.id, kept.error().ToString());
    }
  }
  // A miss leaves its audio for the next identical stream; a long one is not kept (a hit
  // decodes its master whole).
  if (!s.master || s.usage.audio_seconds > kMaxCachedStreamSeconds) return;
  if (!doc.empty()) {
    (void)blobs_->Put(cache::MasterTimestampsKey(s.cache_key), doc, "application/json");
  }
  if (auto kept = s.master->Keep(*blobs_, *cache_, s.cache_key, s.usage.audio_seconds, NowMs());
      !kept) {
    spdlog::warn("stream {}: not cached: {}", job.id, kept.error().ToString());
  }
  s.master.reset();
}

void StreamService::Record(PreparedStream& s, JobStatus status, const std::string& reason) {
  const int64_t now = NowMs();
  store::Job& job = s.job;
  job.status = status;
  job.finished_at = job.updated_at = now;
  job.duration_s = s.usage.audio_seconds;
  job.audio_bytes = static_cast<int64_t>(s.usage.bytes);
  std::string message = reason;
  if (status == JobStatus::kDone) {
    message = "streamed " + std::to_string(s.usage.bytes) + " bytes; first audio after " +
              std::to_string(static_cast<int>(s.first_audio_s.value_or(0) * 1000)) + " ms";
  } else {
    job.error_code = status == JobStatus::kCanceled ? "canceled" : "internal";
    job.error_message = reason;
  }
  s.events.push_back({0, "", status, now, 1, message});
  const std::string outcome(store::JobStatusName(status));
  streams_.With({s.route, outcome}).Inc();
  if (auto created = store_.CreateJob(job, s.events); !created) {
    spdlog::error("stream {} not recorded: {}", job.id, created.error().ToString());
  }
  // What was heard, also when the client left early.
  if (meter_ != nullptr && s.usage.audio_seconds > 0) {
    meter_->ChargeAudio(s.who.user_id, s.usage_tags, s.usage.audio_seconds);
  }
  store::AuditEvent audit;
  audit.at = now;
  audit.actor_user_id = s.who.user_id;
  audit.actor_key_id = s.who.key_id;
  audit.action = "job.stream";
  audit.target_type = "job";
  audit.target_id = job.id;
  audit.request_id = s.request_id;
  json detail = json{{"route", s.route},
                     {"voice_id", job.voice_id},
                     {"format", job.format},
                     {"chars", s.usage.input_chars},
                     {"text_sha256", Sha256Hex(job.text)},  // never the text (job_service.cc)
                     {"audio_s", s.usage.audio_seconds},
                     {"bytes", s.usage.bytes},
                     {"outcome", outcome}};
  if (s.who.project) detail["project"] = *s.who.project;  // usage per project
  audit.detail = detail.dump();
  (void)store_.AppendAudit(audit);
}

}  // namespace vox::api
