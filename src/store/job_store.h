// JobStore: jobs, their event log, and the claim/lease operations behind
// the durable job queues. Thread-safe; errors as in store.h (typed ErrorCodes, never a driver's
// text).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/types.h"
#include "store/usage_types.h"

namespace vox::store {

class JobStore {
 public:
  virtual ~JobStore() = default;

  // --- jobs ----------------------------------------------------------------
  // In one transaction, inserts `job` and one log row per event (job_id is
  // filled in). When job.idempotency_key is set and (user_id, key) exists,
  // returns that job with created = false and writes nothing: the caller
  // compares request_hash to tell a replay from a conflicting reuse. If any
  // insert fails nothing is written.
  virtual Result<CreateJobResult> CreateJob(Job job, std::vector<JobEvent> events) = 0;
  // CreateJob under a bound on the user's synthesis jobs in flight (received ..
  // uploading, as UsageStore::CountJobsInFlight counts them): when `job` is one
  // of them and job.user_id already has `max_in_flight`, kResourceExhausted and
  // nothing is written (an idempotent replay still returns its job; a job
  // created done, a cache hit, is never refused). The count and the insert are
  // one step for every process sharing the database (SQLite: BEGIN IMMEDIATE;
  // PostgreSQL: the user's row locked first), so concurrent submissions cannot
  // pass the bound together. max_in_flight <= 0: no bound, as CreateJob.
  // With `charge` (the job's user's), a created job (queued or done) also adds
  // it to the usage table in the same transaction, under its quota
  // (UsageStore::AddUsageCapped): over it, kResourceExhausted with field
  // kQuotaRefusalField and nothing written; a replay charges nothing.
  virtual Result<CreateJobResult> CreateJobCapped(Job job, std::vector<JobEvent> events,
                                                  int64_t max_in_flight,
                                                  const std::optional<QuotaCharge>& charge) = 0;
  // Inserts `voice` (a clone, usually processing) and `job` (kind
  // voice_creation, voice_id = voice.id) with its events in one transaction:
  // a voice being made always has its job. kInvalidArgument when they do not
  // belong together; kAlreadyExists when an id is taken. `limits` are counted
  // in that transaction under the user's lock, so concurrent uploads (threads
  // or API processes) cannot pass them together: kResourceExhausted with field
  // kVoiceSlotsField or kPendingCreationsField, and nothing written.
  virtual Result<CreateJobResult> CreateVoiceCreationJob(Voice voice, Job job,
                                                         std::vector<JobEvent> events,
                                                         const VoiceCreationLimits& limits = {}) = 0;
  // Jobs of `kind` that `user_id` has running now (picked .. uploading),
  // other than `except_job_id`: the per-user bound on concurrent work.
  virtual Result<int64_t> CountRunningJobs(const std::string& user_id, JobKind kind,
                                           const std::string& except_job_id) = 0;
  // kNotFound when absent. Served by a reader connection: never waits on writers.
  virtual Result<Job> GetJob(const std::string& id) = 0;
  // The newest `limit` jobs of `user_id` (every kind and status), newest first
  // (ties: id). Served by the (user_id, created_at) index.
  virtual Result<std::vector<Job>> ListUserJobs(const std::string& user_id, int limit) = 0;
  // Jobs in `voice_id` (every kind and status) with an id greater than
  // `after_id` (byte order; "" for the first page), at most `limit`, by id:
  // a voice's jobs page by page (consent revocation). Served by jobs(voice_id).
  virtual Result<std::vector<Job>> ListVoiceJobs(const std::string& voice_id,
                                                 const std::string& after_id, int limit) = 0;
  // Ids of the jobs whose id starts with `prefix` (byte order), at most `limit`: a
  // watermark names a job by its id's first 64 bits (watermark/payload.h). Served by
  // the primary key.
  virtual Result<std::vector<std::string>> FindJobIdsByPrefix(const std::string& prefix,
                                                              int limit) = 0;
  // Ids of the newest `limit` jobs (every kind and status), newest first (ties: id):
  // the candidates a watermark too short to decode is matched against
  // (watermark/identify.h). Served by the jobs(created_at) index.
  virtual Result<std::vector<std::string>> ListRecentJobIds(int limit) = 0;
  // Moves the job to t.to and appends its log row, atomically, when its
  // current status is in t.allowed_from (empty: any non-terminal status) and,
  // if t.lease_owner is set, that worker holds the lease. Returns false (and
  // writes nothing) when a guard fails; kNotFound when the job is absent.
  // This is what keeps a canceled job canceled and makes completion happen
  // exactly once. Sets updated_at = t.at; clears the lease when t.to is
  // queued or terminal (or t.clear_lease); clears error_code/error_message on
  // done unless given; sets finished_at = t.at for a terminal t.to unless given.
  virtual Result<bool> TransitionJob(const JobTransition& t) = 0;
  // The job's log rows in order of insertion.
  virtual Result<std::vector<JobEvent>> ListJobEvents(const std::string& job_id) = 0;
  // Jobs in `status`; costs O(those jobs), so cheap for queued/running.
  virtual Result<int64_t> CountJobs(JobStatus status) = 0;
  // Every status, with 0 for those without jobs. Reads every job's index
  // entry: fine for a metrics scrape, not for every request.
  virtual Result<std::map<JobStatus, int64_t>> CountJobsByStatus() = 0;

  // --- durable local queue ------------------------------------------------
  // Atomically claims one job for `worker_id`: first a running job whose
  // lease expired (lease_expires_at < now: its worker died), else the queued
  // job due by `now` that is first in the fair order across users (start-time
  // fair queuing: CreateJob ranks a queued job at max(the queue's virtual time,
  // one past its user's previous rank); ties: oldest created_at). So one
  // user's backlog delays another user's job by about one job per worker.
  // The job becomes `picked` with lease_owner = worker_id, lease_expires_at =
  // now + lease_ms, attempts + 1, started_at = now if unset, and a log row.
  // Two concurrent claimers never get the same job. nullopt when none is due.
  virtual Result<std::optional<Job>> ClaimNextJob(const std::string& worker_id, int64_t lease_ms,
                                                  int64_t now) = 0;
  // Claims the job `job_id` exactly as ClaimNextJob would (picked, lease,
  // attempts + 1, a log row), but only when it is queued and due
  // (next_attempt_at <= now) or running with an expired lease
  // (lease_expires_at < now). nullopt (writing nothing) otherwise, or when the
  // job does not exist. For queues that pick the job id themselves (Redis).
  virtual Result<std::optional<Job>> ClaimJob(const std::string& job_id,
                                              const std::string& worker_id, int64_t lease_ms,
                                              int64_t now) = 0;
  // Moves lease_expires_at to `until` while `worker_id` holds the lease of a
  // running job. kCanceled when the job was canceled meanwhile (stop work);
  // kFailedPrecondition when the lease is lost otherwise; kNotFound if absent.
  virtual Status ExtendLease(const std::string& job_id, const std::string& worker_id,
                             int64_t until) = 0;
  // Drops the lease without changing the status (the delivery is finished).
  // No-op when `worker_id` no longer holds it.
  virtual Status ReleaseLease(const std::string& job_id, const std::string& worker_id) = 0;
  // Puts every running job back to queued (due at `now`), with a log row
  // carrying `message`. For an embedded process starting up: all leases in
  // its own database belong to a previous, dead incarnation. Returns the count.
  virtual Result<int64_t> RequeueRunningJobs(int64_t now, const std::string& message) = 0;
  // The earliest time something becomes claimable (a delayed job's
  // next_attempt_at or a running job's lease expiry); nullopt when nothing is
  // pending. Lets a waiting queue sleep exactly as long as it needs to.
  virtual Result<std::optional<int64_t>> NextDueAt() = 0;

  // Ids of jobs a queue could have lost track of (its service lost data): the
  // queued ones due by `queued_due_by`, then the running ones whose lease
  // ended before `lease_expired_before`; oldest first, at most `limit`.
  // Re-enqueueing them is safe: ClaimJob hands each to one worker only.
  virtual Result<std::vector<std::string>> ListStrandedJobs(int64_t queued_due_by,
                                                            int64_t lease_expired_before,
                                                            int limit) = 0;

  // --- audio retention ----------------------------------------------------
  // Jobs with audio still kept (audio_key set, audio_expired_at unset) that
  // finished before `finished_before`, oldest first, at most `limit`.
  virtual Result<std::vector<Job>> ListExpiringAudio(int64_t finished_before, int limit) = 0;
  // Marks the job's audio expired at `at` (the row stays). true when this
  // call marked it; false when it already was (another sweeper won).
  // kNotFound when the job is absent.
  virtual Result<bool> ExpireAudio(const std::string& job_id, int64_t at) = 0;
  // Undoes ExpireAudio (its blob could not be deleted: a later pass retries).
  virtual Status RestoreAudio(const std::string& job_id) = 0;
  // Whether a job whose audio is kept still names `audio_key` (cache hits
  // share their first job's blob).
  virtual Result<bool> AudioKeyInUse(const std::string& audio_key) = 0;
};

}  // namespace vox::store
