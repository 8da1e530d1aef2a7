// JobService: the job API's logic, independent of HTTP.
//
// Submit validates a request against what the platform can serve, answers
// from the audio cache when an identical request was already synthesized,
// and otherwise records the job (received → queued, one transaction) and
// enqueues it. Describe and Cancel act only on the caller's own jobs (admins
// see all); another user's job is "not found", so ids leak nothing.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/authenticator.h"
#include "api/signed_url.h"
#include "api/synthesize_request.h"
#include "api/usage_meter.h"
#include "blob/blob_store.h"
#include "cache/audio_cache.h"
#include "cloning/consent_revocation.h"
#include "cloning/voice_creation.h"
#include "common/clock.h"
#include "common/utc_time.h"  // Iso8601, for the routes that answer timestamps
#include "engines/synthesizer.h"
#include "obs/metrics.h"
#include "queue/job_queue.h"
#include "rollout/model_router.h"
#include "store/store.h"
#include "watermark/watermarker.h"
#include "webhook/webhook_dispatcher.h"

namespace vox::api {

struct JobServiceConfig {
  text::TextLimits limits;             // VOX_MAX_TEXT_CHARS
  int max_attempts = 3;                // VOX_JOB_MAX_ATTEMPTS
  bool webhook_allow_private = false;  // VOX_WEBHOOK_ALLOW_PRIVATE
  int64_t audio_url_ttl_s = 3600;      // VOX_AUDIO_URL_TTL_S
  // Voice creations one user may have waiting or running; more are 429.
  int max_pending_creations = 10;  // VOX_CLONE_MAX_PENDING
  // Synthesis jobs one user may have queued or running (0: no cap); more are
  // 429 too_many_queued_jobs with no job stored. Held by the store in the
  // job's insert (JobStore::CreateJobCapped), so it holds under concurrency;
  // a cache hit, which queues nothing, is not refused. A plan's concurrency,
  // when set, bounds the same count per plan (rate_limited).
  int64_t max_queued_per_user = 100;  // VOX_MAX_QUEUED_JOBS_PER_USER

  Status Validate() const;  // errors name the VOX_* setting
};

struct SubmitResult {
  store::Job job;
  bool created = true;  // false: an Idempotency-Key replay of an earlier request
};

class JobService {
 public:
  // `webhooks` (null: none are sent) delivers the webhooks of AnnounceEnded.
  JobService(store::Store& store, queue::JobQueue& queue, blob::BlobStore& blobs,
             cache::AudioCache& cache, const engines::Synthesizer& synthesizer,
             const UrlSigner& signer, obs::Registry& metrics, JobServiceConfig config,
             webhook::WebhookDispatcher* webhooks = nullptr, const Clock& clock = Clock::System());

  // Checks plans (quota, concurrency, voice slots) and charges usage through
  // `meter` (null: neither). Set before serving.
  void UseMeter(UsageMeter* meter) { meter_ = meter; }
  // With marks on, a cache hit is never answered here: the entry is an unmarked master
  // and a worker makes the job its own marked copy (worker/job_runner.h). Set before serving.
  void UseWatermarker(const watermark::Watermarker* watermarker) { watermarker_ = watermarker; }

  // VOX_MAX_TEXT_CHARS, from which the API derives its request-body limit.
  const text::TextLimits& limits() const { return config_.limits; }

  Result<SubmitResult> Submit(const Principal& who, const SynthesizeRequest& request,
                              const std::optional<std::string>& idempotency_key,
                              const std::string& request_id);

  // Accepts a voice creation: checks the upload (VoiceCloner::CheckInput),
  // stores the voice (processing) with its job and enqueues it; a worker
  // makes it ready or rejected (cloning/voice_creation.h). kResourceExhausted
  // when the user already has max_pending_creations in progress, QuotaExceeded
  // when the plan's voice slots are full: both counted in the voice's insert.
  Result<cloning::AcceptedCreation> SubmitVoiceCreation(const cloning::VoiceCloner& cloner,
                                                        const cloning::CloneInput& input,
                                                        const cloning::Actor& actor);

  // Revokes consent for a clone of the caller's (any clone for an admin):
  // cloning/consent_revocation.h, then the webhooks of the jobs it failed.
  Result<cloning::Revocation> RevokeConsent(const Principal& who, const std::string& voice_id,
                                            const std::string& request_id);

  // The job as the API shows it (see DescribeJob).
  Result<nlohmann::json> Describe(const Principal& who, const std::string& job_id);

  // The caller's newest `limit` jobs (their own, admins included), newest first, each as
  // Describe shows it plus "characters": the length of its text in code points.
  Result<nlohmann::json> ListRecent(const Principal& who, int limit);
  // {"job_id","timestamps","marks"?}: the word timestamps of a done job whose engine
  // timed its words (engines/timeline.h; empty when it did not) and its SSML marks when
  // it has any; kNotFound when it has neither.
  Result<nlohmann::json> Timestamps(const Principal& who, const std::string& job_id);

  // Cancels a queued or running job; kFailedPrecondition when it already ended.
  Result<nlohmann::json> Cancel(const Principal& who, const std::string& job_id,
                                const std::string& request_id);

  // For the signed audio route: the job's audio blob key (no owner check: the
  // signature is the capability).
  Result<store::Job> JobForAudio(const std::string& job_id);

  // The body of the webhook sent when `job` reached a final state.
  Result<nlohmann::json> WebhookPayload(const store::Job& job);
  // Queues the webhook of `job`, which reached a final state, if it asked for
  // one. Workers call it for the jobs they end; Submit for cache hits.
  void AnnounceEnded(const store::Job& job);

  const UrlSigner& signer() const { return signer_; }
  cache::AudioCache& cache() { return cache_; }  // shared with the streamed routes

 private:
  // VOX_MAX_QUEUED_JOBS_PER_USER refused a job (the store holds the cap).
  Error TooManyQueued() const;
  Result<store::Job> OwnedJob(const Principal& who, const std::string& job_id);
  Result<nlohmann::json> DescribeJob(const store::Job& job);
  // An SSML job's marks ([{"name","time"}]), when it has any and they were stored (a
  // stream's in its timestamps side file).
  std::optional<nlohmann::json> Marks(const store::Job& job);
  Result<std::string> AudioUrl(const store::Job& job);
  // The job's word timestamps from their side file, when it has one for its text.
  Result<std::optional<nlohmann::json>> WordTimestamps(const store::Job& job);
  // That side file ({"job_id","text_sha256","timestamps","marks"?}), when there is one for
  // the job's text.
  Result<std::optional<nlohmann::json>> SideFile(const store::Job& job);
  // Hands a stored, queued job to the queue; when the queue is down the job is
  // failed at once (never an accepted-looking job no worker will see).
  Status EnqueueOrFail(const store::Job& job);

  store::Store& store_;
  queue::JobQueue& queue_;
  blob::BlobStore& blobs_;
  cache::AudioCache& cache_;
  const engines::Synthesizer& synthesizer_;
  const rollout::ModelRouter router_;  // which version of a voice a new job speaks
  const UrlSigner& signer_;
  obs::Family<obs::Counter>& submitted_;
  obs::Family<obs::Counter>& cache_hits_;
  const JobServiceConfig config_;
  webhook::WebhookDispatcher* const webhooks_;
  const Clock& clock_;
  UsageMeter* meter_ = nullptr;
  const watermark::Watermarker* watermarker_ = nullptr;
};

}  // namespace vox::api
