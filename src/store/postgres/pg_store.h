// PostgresStore: the scale-out Store backend (VOX_DATABASE_URL=postgresql://...).
//
// Every call borrows a connection from a bounded pool (pg_pool.h), runs
// prepared statements on it, and gives it back. Calls that write more than
// one row run in one transaction. Any number of processes may share the
// database: the claim query locks rows with FOR UPDATE SKIP LOCKED, and
// Migrate serializes on an advisory lock. When the server goes away, calls
// fail fast with kUnavailable and the pool reconnects on a later call.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pg_pool.h"
#include "store/store.h"

namespace vox::store::postgres {

class PostgresStore final : public Store {
 public:
  // Connects once, so a wrong URL or an unreachable server fails here
  // (kUnavailable) rather than on the first request.
  static Result<std::unique_ptr<PostgresStore>> Open(const PoolOptions& options);

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

  Result<CreateJobResult> CreateJob(Job job, std::vector<JobEvent> events) override;
  Result<Job> GetJob(const std::string& id) override;
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

  Result<std::optional<CacheEntry>> GetCacheEntry(const std::string& cache_key) override;
  Status PutCacheEntry(const CacheEntry& entry) override;
  Status TouchCacheEntry(const std::string& cache_key, int64_t at) override;
  Status DeleteCacheEntry(const std::string& cache_key) override;

  Result<Voice> CreateVoice(Voice voice) override;
  Result<Voice> GetVoice(const std::string& id) override;
  Result<std::vector<Voice>> ListVoices(const std::optional<std::string>& user_id,
                                        bool include_builtin) override;
  Result<Voice> UpdateVoice(const VoiceUpdate& update) override;
  Status DeleteVoice(const std::string& id, int64_t at) override;

  Result<ProtectedVoiceRecord> CreateProtectedVoice(ProtectedVoiceRecord voice) override;
  Result<std::vector<ProtectedVoiceRecord>> ListProtectedVoices() override;
  Status DeleteProtectedVoice(const std::string& id) override;

  Result<Model> UpsertModel(Model model) override;
  Result<std::vector<Model>> ListModels(const std::optional<std::string>& engine) override;
  Result<Model> GetModel(const std::string& engine, const std::string& name,
                         const std::optional<std::string>& version) override;

  Result<int64_t> AppendAudit(AuditEvent event) override;
  Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) override;

  Pool& pool() { return *pool_; }

 private:
  explicit PostgresStore(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

  // Runs `fn(Connection&)` on a pooled connection. An error on a connection
  // that broke meanwhile is reported as kUnavailable (retrying may help).
  template <typename F>
  auto WithConn(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    auto lease = pool_->Acquire();
    if (!lease) return std::unexpected(lease.error());
    auto result = fn(**lease);
    if (!result && (*lease)->broken()) {
      Error err = result.error();
      err.code = ErrorCode::kUnavailable;
      return std::unexpected(err);
    }
    return result;
  }

  static Result<Job> LoadJob(Connection& c, const std::string& id);

  std::unique_ptr<Pool> pool_;
};

}  // namespace vox::store::postgres
