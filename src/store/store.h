// Store: Vox's metadata database behind one backend-neutral interface.
//
// Backends: SQLite (embedded, src/store/sqlite) and PostgreSQL (scale-out,
// src/store/postgres), both passing one conformance suite (store_conformance.h).
// Every method is thread-safe and returns vox::Result/Status; database
// failures map to ErrorCode as follows: busy/locked/unreachable → kUnavailable
// (retrying may help), unique-key violation → kAlreadyExists, other
// constraint violations → kInvalidArgument, a missing row → kNotFound.
// Callers never see SQL or a driver's exception.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/types.h"

namespace vox::store {

class Store {
 public:
  virtual ~Store() = default;

  // --- schema -------------------------------------------------------------
  // Applies every migration newer than the database's version, each in its
  // own transaction, recording it in schema_migrations(version, applied_at).
  // Idempotent; safe to run from several processes at once. Fails with
  // kFailedPrecondition when the database is newer than this binary.
  virtual Status Migrate() = 0;
  // The highest applied migration; 0 for an empty database.
  virtual Result<int> SchemaVersion() = 0;
  // The newest migration this binary knows.
  virtual int LatestSchemaVersion() const = 0;
  // Cheap round trip to the database (for /readyz).
  virtual Status Ping() = 0;

  // --- users and API keys --------------------------------------------------
  virtual Result<User> CreateUser(User user) = 0;
  virtual Result<User> GetUser(const std::string& id) = 0;

  // kAlreadyExists when key_hash is already stored.
  virtual Result<ApiKey> CreateApiKey(ApiKey key) = 0;
  // Returns the key whether or not it is revoked (revoked_at is set then):
  // the caller decides, so it can log "revoked key used" distinctly from an
  // unknown key. kNotFound when no key has this hash.
  virtual Result<ApiKey> FindApiKeyByHash(const std::string& key_hash) = 0;
  // All keys (revoked included), oldest first; only `user_id`'s when given.
  virtual Result<std::vector<ApiKey>> ListApiKeys(const std::optional<std::string>& user_id) = 0;
  // Revokes the key whose id or prefix equals `id_or_prefix`. Revoking a
  // revoked key keeps its first revoked_at and succeeds. kNotFound when none
  // matches; kInvalidArgument when a prefix matches several keys.
  virtual Result<ApiKey> RevokeApiKey(const std::string& id_or_prefix, int64_t at) = 0;
  // Sets last_used_at. A write: the API should call it at most once a minute
  // per key, not on every request.
  virtual Status TouchApiKey(const std::string& id, int64_t at) = 0;

  // --- jobs ----------------------------------------------------------------
  // In one transaction, inserts `job` and one log row per event (job_id is
  // filled in). When job.idempotency_key is set and (user_id, key) exists,
  // returns that job with created = false and writes nothing: the caller
  // compares request_hash to tell a replay from a conflicting reuse. If any
  // insert fails nothing is written.
  virtual Result<CreateJobResult> CreateJob(Job job, std::vector<JobEvent> events) = 0;
  // kNotFound when absent. Served by a reader connection: never waits on writers.
  virtual Result<Job> GetJob(const std::string& id) = 0;
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
  // job with the earliest next_attempt_at <= now (ties: oldest created_at).
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

  // --- cache of identical requests -----------------------------------------
  virtual Result<std::optional<CacheEntry>> GetCacheEntry(const std::string& cache_key) = 0;
  // Insert or replace by cache_key; an existing entry keeps its hit count.
  virtual Status PutCacheEntry(const CacheEntry& entry) = 0;
  // hits + 1, last_hit_at = at. kNotFound when absent.
  virtual Status TouchCacheEntry(const std::string& cache_key, int64_t at) = 0;
  // Removes the entry (e.g. its audio vanished from the blob store). Idempotent.
  virtual Status DeleteCacheEntry(const std::string& cache_key) = 0;

  // --- voices ----------------------------------------------------------------
  virtual Result<Voice> CreateVoice(Voice voice) = 0;
  // kNotFound when absent; a deleted voice is returned with status deleted.
  virtual Result<Voice> GetVoice(const std::string& id) = 0;
  // Non-deleted voices of `user_id` (none when nullopt), plus built-in voices
  // when include_builtin; built-ins first, then by name.
  virtual Result<std::vector<Voice>> ListVoices(const std::optional<std::string>& user_id,
                                                bool include_builtin) = 0;
  // kNotFound when absent; kFailedPrecondition for a deleted voice (deleted
  // stays deleted); kInvalidArgument for status deleted (use DeleteVoice).
  virtual Result<Voice> UpdateVoice(const VoiceUpdate& update) = 0;
  // Soft delete: status deleted, deleted_at = updated_at = at (0 = now), and
  // metadata replaced by '{}': the embedding, profile and consent details go
  // with the voice (the audit log keeps the record). Idempotent: deleting
  // again keeps the first deleted_at and updated_at. kNotFound if absent.
  virtual Status DeleteVoice(const std::string& id, int64_t at) = 0;

  // --- protected voices ------------------------------------------------------
  // Fills an empty id / zero created_at. kInvalidArgument when name or
  // embedding is empty; kAlreadyExists when the id is taken.
  virtual Result<ProtectedVoiceRecord> CreateProtectedVoice(ProtectedVoiceRecord voice) = 0;
  // All of them, oldest first (created_at, then id).
  virtual Result<std::vector<ProtectedVoiceRecord>> ListProtectedVoices() = 0;
  // Removes it for good. kNotFound when absent.
  virtual Status DeleteProtectedVoice(const std::string& id) = 0;

  // --- models ----------------------------------------------------------------
  // Insert, or update tags/status/manifest of the row with the same
  // (engine, name, version), which keeps its id and created_at.
  virtual Result<Model> UpsertModel(Model model) = 0;
  // All models (of `engine` when given), by engine, name, created_at.
  virtual Result<std::vector<Model>> ListModels(const std::optional<std::string>& engine) = 0;
  // That exact version, or when `version` is nullopt the most recently
  // created active one. kNotFound when none.
  virtual Result<Model> GetModel(const std::string& engine, const std::string& name,
                                 const std::optional<std::string>& version) = 0;

  // --- audit -----------------------------------------------------------------
  // Returns the event's id.
  virtual Result<int64_t> AppendAudit(AuditEvent event) = 0;
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) = 0;
};

// Opens a store by URL (the VOX_DATABASE_URL setting):
//   sqlite:///abs/path/vox.db    absolute path
//   sqlite://relative/path.db    relative to the working directory
//   sqlite::memory:              a private in-memory database (tests)
//   postgresql://user[:password]@host[:port]/db[?pool_size=N&...]  (or postgres://);
//                                see store/postgres/pg_url.h; kUnavailable when unreachable
// Creates the file (not its directory) if missing; does not migrate: call
// Migrate(). Errors name the setting VOX_DATABASE_URL.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace vox::store
