// SqlStore: the one implementation of Store's rules over any SQL Backend
// (sql_backend.h). Transitions and their guards, claims and leases,
// idempotency, cancellation and event recording are written here once; the
// sqlite/ and postgres/ folders only run statements and spell a few
// fragments of dialect.
//
// Files: sql_store.cc (schema, users, keys), sql_audit.cc (the audit chain), sql_jobs.cc
// (jobs and their events), sql_queue.cc (claims and leases), sql_voices.cc
// (voices, protected voices), sql_catalog.cc (models, cache), sql_usage.cc
// (plans, usage).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/sql/sql_backend.h"
#include "store/store.h"

namespace vox::store::sql {

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

  Backend& backend() { return *backend_; }

  Status Migrate() override;
  Result<int> SchemaVersion() override;
  int LatestSchemaVersion() const override;
  Status Ping() override;

  Result<User> CreateUser(User user) override;
  Result<User> GetUser(const std::string& id) override;
  Result<ApiKey> CreateApiKey(ApiKey key) override;
  Result<ApiKey> FindApiKeyByHash(const std::string& key_hash) override;
  Result<std::vector<ApiKey>> ListApiKeys(const std::optional<std::string>& user_id) override;
  Result<ApiKey> RevokeApiKey(const std::string& id_or_prefix, int64_t at) override;
  Status TouchApiKey(const std::string& id, int64_t at) override;
  // OAuth2 clients (sql_clients.cc).
  Result<OAuthClient> CreateOAuthClient(OAuthClient client) override;
  Result<OAuthClient> GetOAuthClient(const std::string& id) override;
  Result<std::vector<OAuthClient>> ListOAuthClients() override;
  Result<OAuthClient> RevokeOAuthClient(const std::string& id, int64_t at) override;
  Result<int64_t> AppendAudit(AuditEvent event) override;
  // The audit chain (sql_audit.cc).
  Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) override;
  Result<std::vector<AuditEvent>> ScanAudit(int64_t after_id, std::optional<int64_t> since,
                                            int limit) override;
  Result<std::optional<AuditEvent>> FindAuditByHash(const std::string& hash) override;

  Result<CreateJobResult> CreateJob(Job job, std::vector<JobEvent> events) override;
  Result<CreateJobResult> CreateJobCapped(Job job, std::vector<JobEvent> events,
                                          int64_t max_in_flight,
                                          const std::optional<QuotaCharge>& charge) override;
  Result<CreateJobResult> CreateVoiceCreationJob(Voice voice, Job job,
                                                 std::vector<JobEvent> events,
                                                 const VoiceCreationLimits& limits = {}) override;
  Result<int64_t> CountRunningJobs(const std::string& user_id, JobKind kind,
                                   const std::string& except_job_id) override;
  Result<Job> GetJob(const std::string& id) override;
  Result<std::vector<Job>> ListUserJobs(const std::string& user_id, int limit) override;
  Result<std::vector<Job>> ListVoiceJobs(const std::string& voice_id, const std::string& after_id,
                                         int limit) override;
  Result<std::vector<std::string>> FindJobIdsByPrefix(const std::string& prefix,
                                                      int limit) override;
  Result<std::vector<std::string>> ListRecentJobIds(int limit) override;
  Result<bool> TransitionJob(const JobTransition& t) override;
  Result<std::vector<JobEvent>> ListJobEvents(const std::string& job_id) override;
  Result<int64_t> CountJobs(JobStatus status) override;
  Result<std::map<JobStatus, int64_t>> CountJobsByStatus() override;

  Result<std::optional<Job>> ClaimNextJob(const std::string& worker_id, int64_t lease_ms,
                                          int64_t now) override;
  Result<std::optional<Job>> ClaimJob(const std::string& job_id, const std::string& worker_id,
                                      int64_t lease_ms, int64_t now) override;
  Status ExtendLease(const std::string& job_id, const std::string& worker_id,
                     int64_t until) override;
  Status ReleaseLease(const std::string& job_id, const std::string& worker_id) override;
  Result<int64_t> RequeueRunningJobs(int64_t now, const std::string& message) override;
  Result<std::optional<int64_t>> NextDueAt() override;
  Result<std::vector<std::string>> ListStrandedJobs(int64_t queued_due_by,
                                                    int64_t lease_expired_before,
                                                    int limit) override;
  Result<std::vector<Job>> ListExpiringAudio(int64_t finished_before, int limit) override;
  Result<bool> ExpireAudio(const std::string& job_id, int64_t at) override;
  Status RestoreAudio(const std::string& job_id) override;
  Result<bool> AudioKeyInUse(const std::string& audio_key) override;

  Result<Voice> CreateVoice(Voice voice) override;
  Result<Voice> GetVoice(const std::string& id) override;
  Result<std::vector<Voice>> ListVoices(const std::optional<std::string>& user_id,
                                        bool include_builtin) override;
  Result<Voice> UpdateVoice(const VoiceUpdate& update) override;
  Result<std::vector<Voice>> ListVoicesInStatus(VoiceStatus status, int limit) override;
  Status DeleteVoice(const std::string& id, int64_t at) override;
  Result<Voice> RevokeVoice(const std::string& id, const std::string& metadata,
                            int64_t at) override;
  Result<ProtectedVoiceRecord> CreateProtectedVoice(ProtectedVoiceRecord voice) override;
  Result<std::vector<ProtectedVoiceRecord>> ListProtectedVoices() override;
  Status DeleteProtectedVoice(const std::string& id) override;
  void UseFieldCipher(std::shared_ptr<const FieldCipher> cipher) override {
    cipher_ = std::move(cipher);
  }
  Result<int64_t> ResealVoiceFields() override;

  Result<Model> UpsertModel(Model model) override;
  Result<std::vector<Model>> ListModels(const std::optional<std::string>& engine) override;
  Result<Model> SetModelRollout(const std::string& name, const std::string& version,
                                Rollout rollout, int canary_weight) override;
  Result<ModelOutcomes> CountModelOutcomes(const std::string& model_version) override;
  Result<Model> GetModel(const std::string& engine, const std::string& name,
                         const std::optional<std::string>& version) override;

  Result<std::optional<CacheEntry>> GetCacheEntry(const std::string& cache_key) override;
  Status PutCacheEntry(const CacheEntry& entry) override;
  Status TouchCacheEntry(const std::string& cache_key, int64_t at) override;
  Status DeleteCacheEntry(const std::string& cache_key) override;

  // Plans and usage (sql_usage.cc).
  Result<Plan> UpsertPlan(Plan plan) override;
  Result<Plan> GetPlan(const std::string& name) override;
  Result<std::vector<Plan>> ListPlans() override;
  Status AddUsage(const UsageDelta& delta) override;
  Status AddUsageCapped(const QuotaCharge& charge) override;
  Result<std::vector<UsageRow>> ListUsage(const std::string& user_id, const std::string& from_day,
                                          const std::string& to_day) override;
  Result<int64_t> SumCharacters(const std::string& user_id, const std::string& from_day,
                                const std::string& to_day) override;
  Result<int64_t> CountJobsInFlight(const std::string& user_id) override;

  // Consent challenges and used recordings (sql_consent.cc).
  Result<ConsentChallenge> CreateConsentChallenge(ConsentChallenge challenge) override;
  Result<ConsentChallenge> GetConsentChallenge(const std::string& id,
                                               const std::string& user_id) override;
  Result<ConsentChallenge> UseConsent(const ConsentUse& use) override;
  Status ReleaseConsent(const std::string& voice_id) override;
  Result<int64_t> DeleteExpiredConsentChallenges(int64_t before) override;

 private:
  // Runs `fn(Session&) -> Result<T>` on a reader (Read) or where writes may
  // run (Write), and returns its result.
  template <typename F>
  auto Read(F&& fn) {
    return RunOn(*backend_, Access::kRead, std::forward<F>(fn));
  }
  template <typename F>
  auto Write(F&& fn) {
    return RunOn(*backend_, Access::kWrite, std::forward<F>(fn));
  }

  const Dialect& dialect() const { return backend_->dialect(); }

  // Biometric fields (sql_voices.cc): sealed with cipher_ when one is set.
  std::string SealField(const std::string& plain, std::string_view column,
                        const std::string& id) const;
  Result<std::string> OpenField(const std::string& stored, std::string_view column,
                                const std::string& id) const;
  Result<Voice> ReadOpenVoice(const Rows& rows, int r) const;

  // Shared by GetJob, the claims and ExtendLease.
  static Result<Job> LoadJob(Session& s, const std::string& id);
  // Marks `id` picked by `worker_id`, logs it, and returns the job; the
  // caller holds the write transaction.
  static Result<Job> PickJob(Session& s, const std::string& id, const std::string& worker_id,
                             int64_t lease_ms, int64_t now, const std::string& message);
  // Gives the queued job `job_id` of `user_id` its place in the fair order
  // (start-time fair queuing across users; sql_queue.cc); inside the caller's
  // write transaction.
  static DbStatus TakeFairRank(Session& s, const std::string& job_id, const std::string& user_id);
  static DbStatus InsertEvent(Session& s, const std::string& job_id, JobStatus status, int64_t at,
                              int attempt, const std::string& message);
  DbStatus InsertVoice(Session& s, const Voice& voice) const;  // seals its metadata
  // CreateJob, inserting `voice` first in the same transaction when given,
  // bounded by `max_in_flight` (CreateJobCapped; <= 0: no bound) and charging
  // `charge` when given.
  Result<CreateJobResult> CreateJobWith(Job job, std::vector<JobEvent> events, const Voice* voice,
                                        int64_t max_in_flight = 0,
                                        const QuotaCharge* charge = nullptr,
                                        const VoiceCreationLimits& voice_limits = {});
  // kResourceExhausted when the user's clones, read through `s`, are at a bound.
  static Status CheckCloneLimits(Session& s, const std::string& user_id,
                                   const VoiceCreationLimits& limits);
  // The user's synthesis jobs in flight, read through `s` (CountJobsInFlight).
  static DbResult<int64_t> CountInFlight(Session& s, const std::string& user_id);
  // The per-user lock (Dialect::lock_user) in the caller's write transaction:
  // what is counted after it (jobs in flight, the month's characters) cannot
  // change under the caller until it commits.
  DbStatus LockUser(Session& s, const std::string& user_id) const;
  // AddUsageCapped's check and add, in the caller's transaction after LockUser.
  static Status ChargeWithin(Session& s, const QuotaCharge& charge);

  std::unique_ptr<Backend> backend_;
  std::shared_ptr<const FieldCipher> cipher_;  // null: fields are written as they are
};

}  // namespace vox::store::sql
