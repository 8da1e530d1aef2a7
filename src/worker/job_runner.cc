#include "worker/job_runner.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "audio/audio_file_writer.h"
#include "audio/format.h"
#include "cloning/voice_resolver.h"
#include "common/crypto.h"
#include "engines/timeline.h"
#include "store/job_params.h"
#include "store/usage_tags.h"

namespace vox::worker {

Status JobRunnerConfig::Validate() const {
  if (temp_dir.empty()) return InvalidArgument("must not be empty", "VOX_DATA_DIR");
  if (clone_user_concurrency < 1 || clone_user_concurrency > 64) {
    return InvalidArgument("must be 1..64", "VOX_CLONE_USER_CONCURRENCY");
  }
  if (retry_base_ms < 1 || retry_base_ms > retry_max_ms) {
    return InvalidArgument("must be 1.." + std::to_string(retry_max_ms), "VOX_JOB_RETRY_BASE_MS");
  }
  if (target_lufs && !(*target_lufs >= -70 && *target_lufs < 0)) {
    return InvalidArgument("must be between -70 and 0 (LUFS), or 0 for off", "VOX_TARGET_LUFS");
  }
  return {};
}
namespace {

using store::JobStatus;
using Ms = std::chrono::milliseconds;

bool Retryable(const Error& e) {
  return e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kInternal;
}

// Removes the local temporary file on every path out of Run().
struct TempPath {
  std::filesystem::path path;
  ~TempPath() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

std::string JobRunner::AudioKey(const std::string& job_id, const std::string& format) {
  auto parsed = audio::ParseFormat(format);
  return "audio/" + job_id + "." + (parsed ? audio::FileExtension(*parsed) : "bin");
}

Result<bool> JobRunner::Advance(const store::Job& job, const std::string& worker_id, JobStatus to,
                                const std::string& message) {
  store::JobTransition t;
  t.job_id = job.id;
  t.to = to;
  t.at = clock_.NowMs();
  t.lease_owner = worker_id;
  t.message = message;
  return store_.TransitionJob(t);
}

RunResult JobRunner::Finish(const store::Job& job, const std::string& worker_id,
                            const Error& error) {
  if (error.code == ErrorCode::kCanceled) return {Outcome::kCanceled, 0, error.message};
  store::JobTransition t;
  t.job_id = job.id;
  t.at = clock_.NowMs();
  t.lease_owner = worker_id;
  t.error_code = ErrorCodeName(error.code);
  t.error_message = error.message;
  if (Retryable(error)) {
    // The queue requeues the job with this delay, or dead-letters it when its
    // attempts are exhausted (JobQueue::Retry); the store is not touched here.
    int64_t delay = config_.retry_base_ms;
    for (int i = 1; i < job.attempts && delay < config_.retry_max_ms; ++i) delay *= 4;
    delay = std::min(delay, config_.retry_max_ms);
    metrics_.job_retries.With({}).Inc();
    return {Outcome::kRetry, t.at + delay, error.message};
  }
  t.to = JobStatus::kFailed;
  t.message = error.message;
  auto moved = store_.TransitionJob(t);
  if (!moved || !*moved) return {Outcome::kLeaseLost, 0, "job changed hands before failing"};
  metrics_.jobs_finished.With({"failed"}).Inc();
  metrics_.model_jobs.With({job.model_version, "failed"}).Inc();
  return {Outcome::kFailed, 0, error.message};
}

std::optional<double> JobRunner::VoiceSimilarity(const audio::PcmBuffer& output,
                                                 const voice::Embedding& reference) {
  auto embedding = config_.speaker_encoder->Embed(output);
  if (!embedding) return std::nullopt;  // too little speech to tell (a one-word text)
  auto cosine = voice::CosineSimilarity(*embedding, reference);
  if (!cosine) {
    spdlog::warn("voice similarity not recorded: {}", cosine.error().message);
    return std::nullopt;
  }
  return *cosine;
}

void JobRunner::ChargeAudio(const store::Job& job, double audio_s, int64_t at) {
  // Its characters were charged when the API accepted it (store/usage_tags.h).
  if (auto s = store::ChargeJobAudio(store_, job, audio_s, at); !s) {
    metrics_.errors.With({"usage_write"}).Inc();
    spdlog::error("job {}: audio seconds not recorded: {}", job.id, s.error().ToString());
  }
}

Result<bool> JobRunner::TryCache(const store::Job& job, const std::string& worker_id) {
  VOX_ASSIGN_OR_RETURN(auto entry, cache_.Get(job.cache_key));
  if (!entry || entry->format != job.format) return false;
  // A master serves marked copies only, and a job's own (marked) audio only unmarked use:
  // an entry of the other kind is a miss, replaced by this job's.
  if (cache::IsMasterKey(entry->audio_key) != marking()) return false;
  if (!blobs_.Head(entry->audio_key)) {
    (void)cache_.Remove(job.cache_key);  // its audio vanished: forget it
    return false;
  }
  std::string audio_key = entry->audio_key;
  int64_t audio_bytes = entry->audio_bytes;
  if (marking()) {
    VOX_ASSIGN_OR_RETURN(audio_bytes, MarkCached(job, *entry));
    audio_key = AudioKey(job.id, job.format);
  }
  store::JobTransition t;
  t.job_id = job.id;
  t.to = JobStatus::kDone;
  t.at = clock_.NowMs();
  t.lease_owner = worker_id;
  t.message = "cache hit";
  t.audio_key = audio_key;
  t.audio_bytes = audio_bytes;
  t.duration_s = entry->duration_s;
  t.cache_hit = true;
  VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
  if (moved) {
    ChargeAudio(job, entry->duration_s, t.at);
    (void)cache_.Touch(job.cache_key, t.at);
    metrics_.cache_hits.With({"worker"}).Inc();
    metrics_.jobs_finished.With({"done"}).Inc();
  }
  return moved;
}

RunResult JobRunner::Run(const store::Job& job, const std::string& worker_id,
                         const Heartbeat& heartbeat) {
  if (job.kind == store::JobKind::kVoiceCreation)
    return RunVoiceCreation(job, worker_id, heartbeat);
  return RunSynthesis(job, worker_id, heartbeat);
}

RunResult JobRunner::RunSynthesis(const store::Job& job, const std::string& worker_id,
                                  const Heartbeat& heartbeat) {
  auto fail = [&](const Error& e) { return Finish(job, worker_id, e); };
  auto lost = [] { return RunResult{Outcome::kLeaseLost, 0, "lease lost"}; };
  auto stage_start = std::chrono::steady_clock::now();

  if (!job.cache_key.empty()) {
    auto cached = TryCache(job, worker_id);
    if (cached && *cached) return {Outcome::kDone, 0, "cache hit"};
  }

  // preprocessing
  auto moved = Advance(job, worker_id, JobStatus::kPreprocessing);
  if (!moved) return fail(moved.error());
  if (!*moved) return lost();
  auto params = store::JobParams::FromJson(job.params);
  if (!params) return fail(params.error());
  engines::SynthesisParams synth_params;
  synth_params.speed = params->speed;
  synth_params.pitch = params->pitch;
  synth_params.language = params->language;
  // A clone deleted since the job was accepted fails the job: its voice is gone.
  auto voice = cloning::VoiceResolver(store_).ForSynthesis(job.voice_id, std::nullopt);
  if (!voice) return fail(voice.error());
  const std::string engine_voice = voice->EngineVoice(synth_params);
  // The API prepared the text when it accepted the job (and enforced
  // VOX_MAX_TEXT_CHARS): speak those sentences. Jobs accepted before sentences
  // were stored are prepared here, never refused for their length.
  // SSML jobs carry their sentences' styles (breaks, prosody, marks); older jobs none.
  auto styles = engines::PlanStyles::FromJson(params->styles, params->sentences.size());
  if (!styles) return fail(styles.error());
  auto plan = params->sentences.empty()
                  ? synthesizer_.Prepare(job.text, engine_voice, synth_params,
                                         engines::TextLimits{text::TextLimits::kMaxSetting})
                  : synthesizer_.Resume(engine_voice, synth_params, std::move(params->sentences),
                                        std::move(*styles));
  if (!plan) return fail(plan.error());
  if (plan->sources.empty()) {
    // Timestamps are shown on the client's text: align the stored sentences
    // to it again (a job prepared by an older normalizer just has none).
    (void)synthesizer_.Align(*plan, job.text);
  }
  auto format = audio::ParseFormat(job.format);
  if (!format) return fail(format.error());
  auto record_stage = [&](const char* stage) {
    auto now = std::chrono::steady_clock::now();
    metrics_.stage_seconds.With({stage}).Observe(
        std::chrono::duration<double>(now - stage_start).count());
    stage_start = now;
  };
  record_stage("preprocessing");

  // inference: sentence by sentence into a streaming encoder
  moved = Advance(job, worker_id, JobStatus::kInference);
  if (!moved) return fail(moved.error());
  if (!*moved) return lost();
  audio::EncodeOptions encode;
  encode.format = *format;
  encode.sample_rate = params->sample_rate.value_or(0);
  encode.target_lufs = config_.target_lufs;
  TempPath temp{std::filesystem::path(config_.temp_dir) /
                ("vox-" + job.id + "-" + RandomToken(6) + "." + audio::FileExtension(*format))};
  auto writer = audio::AudioFileWriter::Open(temp.path.string(), encode, plan->voice.sample_rate);
  if (!writer) return fail(writer.error());
  // With marks, the cache keeps the audio unmarked (a FLAC master, same rate and loudness)
  // so that each later job is marked with its own id.
  std::unique_ptr<audio::AudioFileWriter> master;
  TempPath master_temp{temp.path.string() + ".master.flac"};
  if (marking() && !job.cache_key.empty()) {
    audio::EncodeOptions flac = encode;
    flac.format = audio::Format::kFlac;
    flac.bitrate_kbps = 0;
    flac.sample_rate = (*writer)->output_sample_rate();
    auto opened =
        audio::AudioFileWriter::Open(master_temp.path.string(), flac, plan->voice.sample_rate);
    if (!opened) return fail(opened.error());
    master = std::move(*opened);
  }
  std::unique_ptr<watermark::JobMark> mark =
      marking() ? config_.watermarker->ForJob(job.id, plan->voice.sample_rate, 1)
                : std::make_unique<watermark::JobMark>(nullptr);
  Error heartbeat_error;
  auto last_beat = std::chrono::steady_clock::now();
  auto canceled = [&] {
    if (std::chrono::steady_clock::now() - last_beat < Ms(1000)) return false;
    last_beat = std::chrono::steady_clock::now();
    auto beat = heartbeat();
    if (!beat) heartbeat_error = beat.error();
    return !beat.has_value();
  };
  auto synth_start = std::chrono::steady_clock::now();
  double audio_s = 0;
  audio::PcmBuffer scored;  // the first seconds of a clone's output, for its similarity
  const bool score = voice->is_clone() && config_.speaker_encoder;
  engines::Timeline timeline(*plan, job.text);
  nlohmann::json marks = nlohmann::json::array();
  cloning::SentenceGuard guard(store_, job.voice_id);  // a clone revoked meanwhile stops here
  Status ran = synthesizer_.RunSentences(
      *plan,
      [&](size_t sentence, engines::AudioChunk&& timed) -> Status {
        VOX_RETURN_IF_ERROR(guard.Check(sentence));
        timeline.Add(sentence, timed);
        const audio::PcmBuffer& chunk = timed.pcm;
        audio_s += chunk.duration_s();
        if (score && scored.duration_s() < config_.similarity_max_seconds) {
          scored.sample_rate = chunk.sample_rate;
          scored.channels = chunk.channels;
          scored.samples.insert(scored.samples.end(), chunk.samples.begin(), chunk.samples.end());
        }
        if (master) VOX_RETURN_IF_ERROR(master->Write(chunk));
        return (*writer)->Write(mark->Process(chunk));
      },
      canceled,
      [&](const std::string& name, double time_s) {
        marks.push_back({{"name", name}, {"time", time_s}});
      });
  if (!ran) {
    if (heartbeat_error.code == ErrorCode::kCanceled) return {Outcome::kCanceled, 0, "canceled"};
    if (!heartbeat_error.message.empty()) return lost();
    return fail(ran.error());
  }
  double synth_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - synth_start).count();
  record_stage("inference");

  // vocoding: post-processing and final encode
  moved = Advance(job, worker_id, JobStatus::kVocoding);
  if (!moved) return fail(moved.error());
  if (!*moved) return lost();
  if (auto tail = mark->Finish(); !tail.empty()) {
    if (auto s = (*writer)->Write(tail); !s) return fail(s.error());
  }
  if (auto s = (*writer)->Finish(); !s) return fail(s.error());
  if (master) {
    if (auto s = master->Finish(); !s) {
      master.reset();  // the job's audio is fine: it is just not cached
      metrics_.errors.With({"cache_write"}).Inc();
    }
  }
  record_stage("vocoding");

  // uploading
  moved = Advance(job, worker_id, JobStatus::kUploading);
  if (!moved) return fail(moved.error());
  if (!*moved) return lost();
  const std::string key = AudioKey(job.id, job.format);
  std::error_code ec;
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(temp.path, ec));
  const int out_rate = (*writer)->output_sample_rate();
  if (auto s = blobs_.PutFile(key, temp.path.string(), audio::ContentType(*format, out_rate)); !s) {
    Error error = s.error();
    error.message = "storing the audio failed: " + error.message;  // the job's reason says where
    return fail(error);
  }
  if (timeline.timed() && !timeline.words().empty()) {
    // Captions are not worth the audio: a job whose timestamps could not be kept is done
    // without them (logged and counted).
    const std::string doc = engines::TimestampsDocument(job.id, job.text, timeline.words());
    if (auto s = blobs_.Put(engines::TimestampsKey(job.id), doc, "application/json"); !s) {
      spdlog::warn("job {}: timestamps not kept: {}", job.id, s.error().ToString());
      metrics_.errors.With({"timestamps_write"}).Inc();
    }
  }
  // SSML marks beside the audio: the job's description reads them from there.
  if (!marks.empty()) {
    if (auto s = blobs_.Put(store::MarksBlobKey(key), marks.dump(), "application/json"); !s) {
      Error error = s.error();
      error.message = "storing the SSML marks failed: " + error.message;
      return fail(error);
    }
  }
  record_stage("uploading");

  store::JobTransition done;
  done.job_id = job.id;
  done.to = JobStatus::kDone;
  done.at = clock_.NowMs();
  done.lease_owner = worker_id;
  done.audio_key = key;
  done.audio_bytes = bytes;
  done.duration_s = audio_s;
  done.cache_hit = false;
  if (score) done.voice_similarity = VoiceSimilarity(scored, voice->embedding);
  auto finished = store_.TransitionJob(done);
  if (!finished) return fail(finished.error());
  if (!*finished) {
    // Canceled or reclaimed meanwhile: the blob is harmless, unless the job
    // ended because its clone was revoked (the revocation may have purged
    // before this upload): then nothing spoken in that voice may stay.
    if (voice->is_clone() && !cloning::VoiceResolver(store_).StillSpeaks(job.voice_id)) {
      for (const std::string& k : {key, store::MarksBlobKey(key), engines::TimestampsKey(job.id)}) {
        (void)blobs_.Delete(k);
      }
    }
    return lost();
  }

  ChargeAudio(job, audio_s, done.at);
  metrics_.jobs_finished.With({"done"}).Inc();
  metrics_.model_jobs.With({job.model_version, "done"}).Inc();
  metrics_.audio_seconds.With({}).Inc(audio_s);
  if (audio_s > 0) {
    metrics_.realtime_factor.With({plan->voice.engine}).Observe(synth_s / audio_s);
    metrics_.model_realtime_factor.With({job.model_version}).Observe(synth_s / audio_s);
  }
  if (!job.cache_key.empty() && (master || !marking())) {
    store::CacheEntry entry{job.cache_key, key, job.format, audio_s, bytes, done.at, done.at, 0};
    if (master) {
      entry.audio_key = cache::MasterKey(job.cache_key);
      entry.audio_bytes = static_cast<int64_t>(std::filesystem::file_size(master_temp.path, ec));
    }
    Status stored = master
                        ? blobs_.PutFile(entry.audio_key, master_temp.path.string(), "audio/flac")
                        : Status{};
    // A hit reports the SSML marks of the audio it copies: they follow the master.
    if (stored && master && !marks.empty()) {
      stored = blobs_.Put(store::MarksBlobKey(entry.audio_key), marks.dump(), "application/json");
    }
    // So do the word timestamps (a copy's are looked up by its own job id).
    if (stored && master && timeline.timed() && !timeline.words().empty()) {
      stored = blobs_.Put(cache::MasterTimestampsKey(job.cache_key),
                          engines::TimestampsDocument(job.id, job.text, timeline.words()),
                          "application/json");
    }
    if (!stored || !cache_.Put(entry)) metrics_.errors.With({"cache_write"}).Inc();
  }
  return {Outcome::kDone, 0, {}};
}

}  // namespace vox::worker
