#include "api/job_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "api/api_responses.h"
#include "audio/encode_options.h"
#include "audio/format.h"
#include "cloning/voice_resolver.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "engines/timeline.h"
#include "store/job_params.h"
#include "text/normalizer.h"
#include "text/utf8.h"
#include "webhook/webhook.h"

namespace vox::api {
namespace {

using nlohmann::json;
using store::JobStatus;

Status ValidateIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 255) {
    return InvalidArgument("Idempotency-Key must be 1..255 characters", "Idempotency-Key");
  }
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7E) {
      return InvalidArgument("Idempotency-Key must be printable ASCII", "Idempotency-Key");
    }
  }
  return {};
}

json OptionalTime(const std::optional<int64_t>& ms) {
  return ms ? json(Iso8601(*ms)) : json(nullptr);
}

}  // namespace

JobService::JobService(store::Store& store, queue::JobQueue& queue, blob::BlobStore& blobs,
                       cache::AudioCache& cache, const engines::Synthesizer& synthesizer,
                       const UrlSigner& signer, obs::Registry& metrics, JobServiceConfig config,
                       webhook::WebhookDispatcher* webhooks, const Clock& clock)
    : store_(store),
      queue_(queue),
      blobs_(blobs),
      cache_(cache),
      synthesizer_(synthesizer),
      router_(store, synthesizer.registry()),
      signer_(signer),
      submitted_(
          metrics.AddCounter("vox_jobs_submitted_total", "Jobs accepted by the API.", {"cache"})),
      cache_hits_(metrics.AddCounter("vox_api_cache_hits_total",
                                     "Submissions answered from the audio cache.")),
      config_(std::move(config)),
      webhooks_(webhooks),
      clock_(clock) {}

Status JobServiceConfig::Validate() const {
  VOX_RETURN_IF_ERROR(limits.Validate());
  if (max_attempts < 1 || max_attempts > 100) {
    return InvalidArgument("must be 1..100", "VOX_JOB_MAX_ATTEMPTS");
  }
  if (audio_url_ttl_s < 1) return InvalidArgument("must be >= 1", "VOX_AUDIO_URL_TTL_S");
  if (max_pending_creations < 1 || max_pending_creations > 1000) {
    return InvalidArgument("must be 1..1000", "VOX_CLONE_MAX_PENDING");
  }
  if (max_queued_per_user < 0 || max_queued_per_user > 1'000'000) {
    return InvalidArgument("must be 0 (no cap)..1000000", "VOX_MAX_QUEUED_JOBS_PER_USER");
  }
  return {};
}

Error JobService::TooManyQueued() const {
  return TooManyQueuedJobs(
      "you have the most jobs queued or running this server accepts per user "
      "(VOX_MAX_QUEUED_JOBS_PER_USER=" +
      std::to_string(config_.max_queued_per_user) + "); retry when some have finished");
}

Result<SubmitResult> JobService::Submit(const Principal& who, const SynthesizeRequest& request,
                                        const std::optional<std::string>& idempotency_key,
                                        const std::string& request_id) {
  if (idempotency_key) VOX_RETURN_IF_ERROR(ValidateIdempotencyKey(*idempotency_key));

  engines::SynthesisParams params;
  params.speed = request.speed;
  params.pitch = request.pitch;
  params.language = request.language;
  // A clone (the caller's own) runs as its base voice with the stored conversion.
  auto voice = cloning::VoiceResolver(store_).ForSynthesis(
      request.voice_id, cloning::Caller{who.user_id, who.is_admin});
  if (!voice) return std::unexpected(AsUnprocessable(voice.error()));
  // The job's id is its routing key: the version it gets is fixed here.
  const std::string job_id = NewUuid();
  std::string engine_voice = voice->EngineVoice(params);
  if (!voice->is_clone()) engine_voice = router_.Route(engine_voice, job_id);
  auto plan = request.text_type == "ssml"
                  ? synthesizer_.PrepareSsml(request.text, engine_voice, params, config_.limits)
                  : synthesizer_.Prepare(request.text, engine_voice, params, config_.limits);
  if (!plan) return std::unexpected(AsUnprocessable(plan.error()));

  auto format = audio::ParseFormat(request.format);
  if (!format) return std::unexpected(AsUnprocessable(format.error()));
  audio::EncodeOptions encode;
  encode.format = *format;
  encode.sample_rate = request.sample_rate.value_or(0);
  auto out_rate = audio::OutputSampleRate(encode, plan->voice.sample_rate);
  if (!out_rate) return std::unexpected(AsUnprocessable(out_rate.error()));

  if (request.webhook_url) {
    if (auto s = webhook::ValidateWebhookUrl(*request.webhook_url, config_.webhook_allow_private);
        !s) {
      return std::unexpected(AsUnprocessable(s.error()));
    }
  }

  const store::UsageTags usage_tags = UsageMeter::Tags(
      who, "/v1/tts/synthesize", store::VoiceKindOf(voice->is_clone(), plan->voice.engine));

  const int64_t now = clock_.NowMs();
  store::Job job;
  job.id = job_id;
  job.user_id = who.user_id;
  job.voice_id = voice->is_clone() ? voice->id : plan->voice.id;
  job.model_version = plan->model_version();
  if (voice->is_clone()) {
    job.model_version += "+conversion/" + std::to_string(params.conversion->version);
  }
  job.text = request.text;
  // Prepared once: the worker speaks these sentences without normalizing again.
  store::JobParams job_params{plan->params.language, request.sample_rate,
                              request.speed,         request.pitch,
                              plan->sentences,       std::string(text::kNormalizerVersion)};
  job_params.styles = plan->styles.ToJson();
  job_params.usage = usage_tags.ToJson();  // the worker charges the audio seconds to the same row
  job.params = job_params.ToJson();
  job.format = audio::FormatName(*format);
  job.webhook_url = request.webhook_url;
  job.idempotency_key = idempotency_key;
  job.request_hash = Sha256Hex(request.ToJson().dump());
  // Scoped to the caller: a hit on another tenant's entry would tell them what
  // someone else asked for (guess a text, submit it, read cache_hit).
  json cache_input = {{"tenant", who.user_id},          {"model", job.model_version},
                      {"text", plan->NormalizedText()}, {"format", job.format},
                      {"sample_rate", *out_rate},       {"speed", request.speed},
                      {"pitch", request.pitch},         {"language", plan->params.language}};
  // A clone's conversion never changes after creation: its id stands for it.
  if (voice->is_clone()) cache_input["clone"] = job.voice_id;
  // SSML: the same sentences with other breaks, prosody or marks are other audio.
  if (!job_params.styles.is_null()) cache_input["styles"] = job_params.styles;
  job.cache_key = Sha256Hex(cache_input.dump());
  job.max_attempts = config_.max_attempts;
  job.created_at = job.updated_at = job.next_attempt_at = now;

  std::vector<store::JobEvent> events = {{0, "", JobStatus::kReceived, now, 0, ""}};
  std::optional<store::CacheEntry> cached;
  const bool marking = watermarker_ != nullptr && watermarker_->enabled();
  if (auto entry = cache_.Get(job.cache_key); entry && *entry && !marking &&
                                              !cache::IsMasterKey((*entry)->audio_key) &&
                                              blobs_.Head((*entry)->audio_key)) {
    cached = **entry;
  }
  if (cached) {
    job.status = JobStatus::kDone;
    job.cache_hit = true;
    job.audio_key = cached->audio_key;
    job.audio_bytes = cached->audio_bytes;
    job.duration_s = cached->duration_s;
    job.started_at = job.finished_at = now;
    events.push_back({0, "", JobStatus::kDone, now, 0, "cache hit"});
  } else {
    job.status = JobStatus::kQueued;
    events.push_back({0, "", JobStatus::kQueued, now, 0, ""});
  }

  // The plan's quota and concurrency and VOX_MAX_QUEUED_JOBS_PER_USER, counted
  // and taken in the insert's transaction: concurrent submissions (threads or
  // API processes) cannot pass them together, and a refused one leaves nothing.
  // Characters are charged at acceptance; a cache hit's audio is made already,
  // so its seconds too.
  std::optional<UsageMeter::Admission> admission;
  if (meter_ != nullptr) {
    VOX_ASSIGN_OR_RETURN(admission, meter_->Admit(who, usage_tags, plan->text_chars,
                                                  cached ? cached->duration_s : 0));
  }
  const int64_t server_cap = config_.max_queued_per_user;
  auto stored = store_.CreateJobCapped(job, events,
                                       admission ? admission->MaxInFlight(server_cap) : server_cap,
                                       admission ? std::optional(admission->charge) : std::nullopt);
  if (!stored && stored.error().code == ErrorCode::kResourceExhausted) {
    if (admission) {
      if (auto refusal = meter_->Refusal(*admission, stored.error(), server_cap)) {
        return std::unexpected(*refusal);
      }
    }
    return std::unexpected(TooManyQueued());
  }
  VOX_ASSIGN_OR_RETURN(store::CreateJobResult created, std::move(stored));
  if (!created.created) {
    if (created.job.request_hash != job.request_hash) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "Idempotency-Key was already used with a different request body",
                       "Idempotency-Key");
    }
    return SubmitResult{std::move(created.job), false};
  }
  if (cached) {
    (void)cache_.Touch(job.cache_key, now);
    cache_hits_.With({}).Inc();
    AnnounceEnded(created.job);  // ended here: no worker will announce it
  } else if (auto enqueued = EnqueueOrFail(created.job); !enqueued) {
    if (admission) meter_->Refund(*admission);  // failed at once: nothing was served
    return std::unexpected(enqueued.error());
  }
  submitted_.With({cached ? "hit" : "miss"}).Inc();

  store::AuditEvent audit;
  audit.at = now;
  audit.actor_user_id = who.user_id;
  audit.actor_key_id = who.key_id;
  audit.action = "job.create";
  audit.target_type = "job";
  audit.target_id = created.job.id;
  audit.request_id = request_id;
  // Who spoke what, without keeping the text twice: its hash ties the event
  // to a text shown later, and the job row (deletable) holds the text itself.
  json detail = {{"voice_id", job.voice_id},
                 {"format", job.format},
                 {"chars", plan->text_chars},
                 {"text_sha256", Sha256Hex(job.text)},
                 {"cache_hit", job.cache_hit}};
  if (who.project) detail["project"] = *who.project;  // usage per project
  audit.detail = detail.dump();
  (void)store_.AppendAudit(audit);  // the job row itself is the durable record
  return SubmitResult{std::move(created.job), true};
}

Status JobService::EnqueueOrFail(const store::Job& job) {
  auto enqueued = queue_.Enqueue(job.id);
  if (enqueued) return {};
  store::JobTransition t;
  t.job_id = job.id;
  t.to = JobStatus::kFailed;
  t.error_code = "unavailable";
  t.error_message = "the job queue was unavailable: " + enqueued.error().message;
  t.message = *t.error_message;
  (void)store_.TransitionJob(t);
  return Unavailable("the job queue is unavailable; retry later");
}

Result<cloning::AcceptedCreation> JobService::SubmitVoiceCreation(
    const cloning::VoiceCloner& cloner, const cloning::CloneInput& input,
    const cloning::Actor& actor) {
  VOX_RETURN_IF_ERROR(cloner.CheckInput(input));
  // The plan's voice slots (a slot is a clone kept: processing or ready; rejected ones hold
  // none) and the creations in progress, counted in the insert: concurrent uploads cannot
  // pass them together.
  store::VoiceCreationLimits limits;
  limits.max_pending = config_.max_pending_creations;
  if (meter_ != nullptr) {
    VOX_ASSIGN_OR_RETURN(limits.max_kept, meter_->VoiceSlots(actor.user_id));
  }
  auto created = cloning::AcceptVoiceCreation(store_, blobs_, cloner, input, actor,
                                              config_.max_attempts, limits);
  if (!created && created.error().code == ErrorCode::kResourceExhausted) {
    if (created.error().field == store::kVoiceSlotsField && meter_ != nullptr) {
      return std::unexpected(meter_->VoiceSlotsFull(actor.user_id, limits.max_kept));
    }
    if (created.error().field == store::kPendingCreationsField) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "you have " + std::to_string(limits.max_pending) +
                           " voice creations in progress; wait for one to finish");
    }
  }
  VOX_ASSIGN_OR_RETURN(auto accepted, std::move(created));
  if (auto enqueued = EnqueueOrFail(accepted.job); !enqueued) {
    if (auto failed = store_.GetJob(accepted.job.id)) {
      (void)cloning::SettleVoiceCreation(store_, blobs_, *failed);
    }
    return std::unexpected(enqueued.error());
  }
  return accepted;
}

Result<store::Job> JobService::OwnedJob(const Principal& who, const std::string& job_id) {
  auto job = store_.GetJob(job_id);
  if (!job) {
    if (job.error().code == ErrorCode::kNotFound) return NotFound("no such job", "job_id");
    return std::unexpected(job.error());
  }
  if (job->user_id != who.user_id && !who.is_admin) return NotFound("no such job", "job_id");
  return job;
}

Result<std::string> JobService::AudioUrl(const store::Job& job) {
  VOX_ASSIGN_OR_RETURN(auto presigned,
                       blobs_.PresignedGetUrl(*job.audio_key, config_.audio_url_ttl_s));
  if (presigned) return *presigned;
  auto format = audio::ParseFormat(job.format);
  std::string path = "/v1/audio/" + job.id + "." + (format ? audio::FileExtension(*format) : "bin");
  return signer_.Sign(path, clock_.NowMs() / 1000 + config_.audio_url_ttl_s);
}

Result<json> JobService::DescribeJob(const store::Job& job) {
  VOX_ASSIGN_OR_RETURN(auto events, store_.ListJobEvents(job.id));
  // Time spent in each status: from entering it to entering the next one.
  std::map<std::string, int64_t> timings;
  for (size_t i = 0; i < events.size(); ++i) {
    if (store::IsTerminal(events[i].status)) continue;
    int64_t end = i + 1 < events.size() ? events[i + 1].at : clock_.NowMs();
    timings[std::string(store::JobStatusName(events[i].status))] += end - events[i].at;
  }
  json out = {{"job_id", job.id},
              {"kind", store::JobKindName(job.kind)},
              {"status", store::JobStatusName(job.status)},
              {"stage", store::JobStatusName(job.status)},
              {"voice_id", job.voice_id},
              {"format", job.format},
              {"model_version", job.model_version},
              {"cache_hit", job.cache_hit},
              {"attempts", job.attempts},
              {"created_at", Iso8601(job.created_at)},
              {"started_at", OptionalTime(job.started_at)},
              {"finished_at", OptionalTime(job.finished_at)},
              {"updated_at", Iso8601(job.updated_at)},
              {"timings_ms", timings}};
  if (job.audio_expired_at) {
    // VOX_AUDIO_RETENTION deleted the audio; the job's record stays.
    out["audio_expired"] = true;
    out["audio_expired_at"] = Iso8601(*job.audio_expired_at);
    out["duration_s"] = job.duration_s.value_or(0);
  } else if (job.status == JobStatus::kDone && job.audio_key) {
    VOX_ASSIGN_OR_RETURN(out["audio_url"], AudioUrl(job));
    out["duration_s"] = job.duration_s.value_or(0);
    out["audio_bytes"] = job.audio_bytes.value_or(0);
    if (auto marks = Marks(job)) out["marks"] = std::move(*marks);
  } else if (!job.audio_key && job.audio_bytes) {
    // A stream (StreamService): its audio went to the client and nothing was kept.
    out["duration_s"] = job.duration_s.value_or(0);
    out["audio_bytes"] = *job.audio_bytes;
    if (job.status == JobStatus::kDone) {
      if (auto marks = Marks(job)) out["marks"] = std::move(*marks);
    }
  }
  if (job.status == JobStatus::kDone && !job.audio_expired_at) {
    VOX_ASSIGN_OR_RETURN(auto timestamps, WordTimestamps(job));
    if (timestamps) out["timestamps"] = std::move(*timestamps);
  }
  if (job.voice_similarity) out["voice_similarity"] = *job.voice_similarity;
  if (job.error_code || job.error_message) {
    json error = {{"code", job.error_code.value_or("internal")},
                  {"message", job.error_message.value_or("")}};
    // A retried job keeps its last error for the record while it runs again.
    if (job.status == JobStatus::kFailed)
      out["error"] = error;
    else
      out["last_error"] = error;
  }
  return out;
}

std::optional<json> JobService::Marks(const store::Job& job) {
  if (!job.audio_key) {
    // A stream keeps its marks in its timestamps side file (it has no audio to sit beside).
    auto doc = SideFile(job);
    if (!doc || !*doc || !(**doc).contains("marks") || !(**doc)["marks"].is_array()) {
      return std::nullopt;
    }
    return std::move((**doc)["marks"]);
  }
  auto params = store::JobParams::FromJson(job.params);
  if (!params || params->styles.is_null()) return std::nullopt;
  auto styles = engines::PlanStyles::FromJson(params->styles, params->sentences.size());
  if (!styles || !styles->HasMarks()) return std::nullopt;
  auto stored = blobs_.Get(store::MarksBlobKey(*job.audio_key));
  json marks = stored ? json::parse(*stored, nullptr, false) : json();
  if (!marks.is_array()) {
    spdlog::warn("job {}: its SSML marks are not readable", job.id);
    return std::nullopt;
  }
  return marks;
}

Result<json> JobService::Describe(const Principal& who, const std::string& job_id) {
  VOX_ASSIGN_OR_RETURN(store::Job job, OwnedJob(who, job_id));
  return DescribeJob(job);
}

Result<json> JobService::ListRecent(const Principal& who, int limit) {
  VOX_ASSIGN_OR_RETURN(auto jobs, store_.ListUserJobs(who.user_id, limit));
  json out = json::array();
  for (const store::Job& job : jobs) {
    VOX_ASSIGN_OR_RETURN(json described, DescribeJob(job));
    // Code points: what the text limits and usage count, not bytes.
    described["characters"] = text::CountCodePoints(job.text);
    out.push_back(std::move(described));
  }
  return out;
}

Result<std::optional<json>> JobService::SideFile(const store::Job& job) {
  // Beside the audio of the job that made it: a cache hit's audio (and
  // timestamps) belong to an earlier job, a stream's to the stream itself.
  const std::string owner = job.audio_key ? store::AudioOwner(*job.audio_key, job.id) : job.id;
  auto body = blobs_.Get(engines::TimestampsKey(owner));
  if (!body) {
    if (body.error().code == ErrorCode::kNotFound) return std::nullopt;
    return std::unexpected(body.error());
  }
  json doc = json::parse(*body, nullptr, false);
  // Offsets count characters of the text they were made for: another text
  // that normalized the same (a cache hit for "$3" from "3 dollars") gets none.
  if (doc.is_discarded() || !doc.is_object() ||
      doc.value("text_sha256", "") != Sha256Hex(job.text)) {
    return std::nullopt;
  }
  return doc;
}

Result<std::optional<json>> JobService::WordTimestamps(const store::Job& job) {
  VOX_ASSIGN_OR_RETURN(auto doc, SideFile(job));
  // A stream with marks but no timed words keeps an empty list: no timestamps.
  if (!doc || !doc->contains("timestamps") || !(*doc)["timestamps"].is_array() ||
      (*doc)["timestamps"].empty()) {
    return std::nullopt;
  }
  return std::move((*doc)["timestamps"]);
}

Result<json> JobService::Timestamps(const Principal& who, const std::string& job_id) {
  VOX_ASSIGN_OR_RETURN(store::Job job, OwnedJob(who, job_id));
  if (job.status != JobStatus::kDone || job.audio_expired_at) {
    return NotFound("this job has no word timestamps", "job_id");
  }
  VOX_ASSIGN_OR_RETURN(std::optional<json> timestamps, WordTimestamps(job));
  std::optional<json> marks = Marks(job);
  if (!timestamps && !marks) return NotFound("this job has no word timestamps", "job_id");
  json out = {{"job_id", job.id}, {"timestamps", timestamps ? *timestamps : json::array()}};
  if (marks) out["marks"] = std::move(*marks);  // SSML marks, on the same clock
  return out;
}

Result<json> JobService::Cancel(const Principal& who, const std::string& job_id,
                                const std::string& request_id) {
  VOX_ASSIGN_OR_RETURN(store::Job job, OwnedJob(who, job_id));
  store::JobTransition t;
  t.job_id = job.id;
  t.to = JobStatus::kCanceled;
  t.at = clock_.NowMs();
  t.message = "canceled by request " + request_id;
  VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
  VOX_ASSIGN_OR_RETURN(job, store_.GetJob(job_id));
  if (!moved) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        "job already ended with status " + std::string(store::JobStatusName(job.status)), "job_id");
  }
  store::AuditEvent audit;
  audit.at = t.at;
  audit.actor_user_id = who.user_id;
  audit.actor_key_id = who.key_id;
  audit.action = "job.cancel";
  audit.target_type = "job";
  audit.target_id = job.id;
  audit.request_id = request_id;
  (void)store_.AppendAudit(audit);
  // A canceled voice creation leaves its voice rejected and its recordings gone.
  if (auto s = cloning::SettleVoiceCreation(store_, blobs_, job); !s) {
    spdlog::warn("job {}: voice creation not settled: {}", job.id, s.error().message);
  }
  return DescribeJob(job);
}

Result<cloning::Revocation> JobService::RevokeConsent(const Principal& who,
                                                      const std::string& voice_id,
                                                      const std::string& request_id) {
  const cloning::Actor actor{who.user_id, who.key_id, request_id, "api"};
  VOX_ASSIGN_OR_RETURN(cloning::Revocation revoked,
                       cloning::ConsentRevoker(store_, blobs_, cache_, clock_)
                           .Revoke(voice_id, actor, who.is_admin));
  for (const store::Job& job : revoked.failed) AnnounceEnded(job);
  return revoked;
}

Result<json> JobService::WebhookPayload(const store::Job& job) {
  VOX_ASSIGN_OR_RETURN(json description, DescribeJob(job));
  description["event"] = "job." + std::string(store::JobStatusName(job.status));
  return description;
}

void JobService::AnnounceEnded(const store::Job& job) {
  if (!job.webhook_url || webhooks_ == nullptr) return;
  auto payload = WebhookPayload(job);
  if (!payload) {
    spdlog::warn("webhook for job {} not sent: {}", job.id, payload.error().ToString());
    return;
  }
  webhooks_->Enqueue(*job.webhook_url, payload->dump());
}

Result<store::Job> JobService::JobForAudio(const std::string& job_id) {
  auto job = store_.GetJob(job_id);
  if (!job || job->status != JobStatus::kDone || !job->audio_key) {
    if (job || job.error().code == ErrorCode::kNotFound) return NotFound("no such audio", "job_id");
    return std::unexpected(job.error());
  }
  return job;
}

}  // namespace vox::api
