// SqliteStore: the embedded Store backend.
//
// One writer connection guarded by a mutex (SQLite allows one writer at a
// time anyway; serializing in-process avoids busy-waiting) plus a pool of
// reader connections, so reads such as GetJob run in parallel with each
// other and with a writer (WAL gives each read a consistent snapshot).
// Statements are prepared once per connection and cached. Several processes
// may open the same file: write transactions are BEGIN IMMEDIATE and wait up
// to busy_timeout_ms for the file lock before failing with kUnavailable.
// An in-memory database has no readers (a private :memory: database exists
// only on its one connection): everything runs on the writer.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace vox::store::sqlite {

struct SqliteOptions {
  std::string path;  // a file path, or ":memory:"
  int readers = 4;
  int busy_timeout_ms = 5000;
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);

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

 private:
  SqliteStore() = default;

  // Runs `fn(Connection&)` on the writer, holding the writer mutex.
  template <typename F>
  auto WithWriter(F&& fn) {
    std::lock_guard<std::mutex> lock(write_mu_);
    return fn(*writer_);
  }
  // Runs `fn(Connection&)` on a free reader (the writer when there are none).
  template <typename F>
  auto WithReader(F&& fn) {
    if (all_readers_.empty()) return WithWriter(std::forward<F>(fn));
    struct Lease {
      SqliteStore* store;
      Connection* conn;
      ~Lease() { store->ReleaseReader(conn); }
    } lease{this, AcquireReader()};
    return fn(*lease.conn);
  }
  Connection* AcquireReader();
  void ReleaseReader(Connection* conn);

  // Shared by GetJob and the write paths that return the updated job.
  static Result<Job> LoadJob(Connection& conn, const std::string& id);

  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> free_readers_;
  std::vector<std::unique_ptr<Connection>> all_readers_;
};

}  // namespace vox::store::sqlite
