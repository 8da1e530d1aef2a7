// SqliteStore: jobs, their event log, and the claim/lease operations behind
// the durable local queue.
#include <algorithm>
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"

namespace vox::store::sqlite {
namespace {

using std::string;

// The SQL IN-list of running statuses, spelled once.
constexpr const char* kRunningIn =
    "('picked', 'preprocessing', 'inference', 'vocoding', 'uploading')";
// "+status IN ...": the unary plus stops SQLite from scanning jobs_status for
// every running job, so lease queries seek the small partial index jobs_lease.
constexpr const char* kLeasedAndRunning =
    "lease_expires_at IS NOT NULL AND +status IN "
    "('picked', 'preprocessing', 'inference', 'vocoding', 'uploading')";

Status InsertJob(Connection& c, const Job& j) {
  VOX_ASSIGN_OR_RETURN(
      Stmt s, c.Prepare(string("INSERT INTO jobs (") + kJobColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        "?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Text(1, j.id).Text(2, j.user_id).Text(3, JobStatusName(j.status)).Text(4, j.voice_id);
  s.Text(5, j.model_version).Text(6, j.text).Text(7, j.params).Text(8, j.format);
  s.OptText(9, j.webhook_url).OptText(10, j.idempotency_key).Text(11, j.request_hash);
  s.Text(12, j.cache_key).Int(13, j.cache_hit ? 1 : 0).Int(14, j.attempts);
  s.Int(15, j.max_attempts).Int(16, j.next_attempt_at).OptText(17, j.lease_owner);
  s.OptInt(18, j.lease_expires_at).OptText(19, j.error_code).OptText(20, j.error_message);
  s.OptText(21, j.audio_key).OptInt(22, j.audio_bytes).OptReal(23, j.duration_s);
  s.Int(24, j.created_at).OptInt(25, j.started_at).OptInt(26, j.finished_at);
  auto run = s.Int(27, j.updated_at).OptReal(28, j.voice_similarity).Run();
  if (!run) return std::unexpected(run.error());
  return {};
}

Status InsertEvent(Connection& c, const string& job_id, JobStatus status, int64_t at, int attempt,
                   const string& message) {
  VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("INSERT INTO logs (job_id, status, at, attempt, message) "
                                         "VALUES (?, ?, ?, ?, ?)"));
  s.Text(1, job_id).Text(2, JobStatusName(status)).Int(3, at).Int(4, attempt);
  auto run = s.Text(5, message).Run();
  if (!run) return std::unexpected(run.error());
  return {};
}

// Marks `id` picked by `worker_id` and logs it; the caller holds the txn.
Status PickJob(Connection& c, const string& id, const string& worker_id, int64_t lease_ms,
               int64_t now, const string& message) {
  VOX_ASSIGN_OR_RETURN(
      Stmt s, c.Prepare("UPDATE jobs SET status = 'picked', lease_owner = ?1, "
                        "lease_expires_at = ?2, attempts = attempts + 1, "
                        "started_at = COALESCE(started_at, ?3), updated_at = ?3 WHERE id = ?4 "
                        "RETURNING attempts"));
  s.Text(1, worker_id).Int(2, now + lease_ms).Int(3, now).Text(4, id);
  VOX_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Internal("claimed job " + id + " vanished");
  int attempt = static_cast<int>(s.ColInt(0));
  VOX_RETURN_IF_ERROR(s.Run());  // finish the statement before the next one
  return InsertEvent(c, id, JobStatus::kPicked, now, attempt, message);
}

}  // namespace

Result<Job> SqliteStore::LoadJob(Connection& c, const string& id) {
  // Built once: GetJob is the API's hottest read.
  static const string kSql = string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?";
  VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(kSql));
  VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, id).Step());
  if (!row) return NotFound("no job '" + id + "'", "job_id");
  return ReadJob(s);
}

Result<CreateJobResult> SqliteStore::CreateJob(Job job, std::vector<JobEvent> events) {
  if (job.id.empty()) job.id = NewUuid();
  if (job.created_at == 0) job.created_at = NowMs();
  if (job.updated_at == 0) job.updated_at = job.created_at;
  if (job.next_attempt_at == 0) job.next_attempt_at = job.created_at;
  return WithWriter([&](Connection& c) -> Result<CreateJobResult> {
    VOX_ASSIGN_OR_RETURN(WriteTxn txn, WriteTxn::Begin(c));
    if (job.idempotency_key) {
      VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kJobColumns +
                                             " FROM jobs WHERE user_id = ? AND "
                                             "idempotency_key = ?"));
      VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, job.user_id).Text(2, *job.idempotency_key).Step());
      if (row) {
        VOX_ASSIGN_OR_RETURN(Job existing, ReadJob(s));
        return CreateJobResult{std::move(existing), false};
      }
    }
    if (auto st = InsertJob(c, job); !st) {
      Error err = st.error();
      if (err.code == ErrorCode::kAlreadyExists) err.field = "job_id";
      if (err.code == ErrorCode::kInvalidArgument &&
          err.message.find("FOREIGN KEY") != string::npos) {
        err.field = "user_id";
      }
      return std::unexpected(err);
    }
    for (JobEvent& e : events) {
      e.job_id = job.id;
      if (e.at == 0) e.at = job.created_at;
      VOX_RETURN_IF_ERROR(InsertEvent(c, job.id, e.status, e.at, e.attempt, e.message));
    }
    VOX_RETURN_IF_ERROR(txn.Commit());
    return CreateJobResult{std::move(job), true};
  });
}

Result<Job> SqliteStore::GetJob(const string& id) {
  return WithReader([&](Connection& c) { return LoadJob(c, id); });
}

Result<bool> SqliteStore::TransitionJob(const JobTransition& t) {
  const int64_t at = t.at != 0 ? t.at : NowMs();
  const bool terminal = IsTerminal(t.to);
  const bool clear_lease = t.clear_lease || terminal || t.to == JobStatus::kQueued;
  const bool clear_error = t.to == JobStatus::kDone;
  std::optional<int64_t> finished_at = t.finished_at;
  if (!finished_at && terminal) finished_at = at;
  return WithWriter([&](Connection& c) -> Result<bool> {
    VOX_ASSIGN_OR_RETURN(WriteTxn txn, WriteTxn::Begin(c));
    JobStatus current;
    int attempts;
    {
      VOX_ASSIGN_OR_RETURN(
          Stmt s, c.Prepare("SELECT status, attempts, lease_owner FROM jobs WHERE id = ?"));
      VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, t.job_id).Step());
      if (!row) return NotFound("no job '" + t.job_id + "'", "job_id");
      VOX_ASSIGN_OR_RETURN(current, ParseJobStatus(s.ColText(0)));
      attempts = static_cast<int>(s.ColInt(1));
      bool allowed = t.allowed_from.empty()
                         ? !IsTerminal(current)
                         : std::find(t.allowed_from.begin(), t.allowed_from.end(), current) !=
                               t.allowed_from.end();
      if (!allowed) return false;
      if (t.lease_owner && s.ColOptText(2) != t.lease_owner) return false;
    }
    VOX_ASSIGN_OR_RETURN(
        Stmt u,
        c.Prepare("UPDATE jobs SET status = ?1, updated_at = ?2, "
                  "error_code = CASE WHEN ?3 THEN ?4 ELSE COALESCE(?4, error_code) END, "
                  "error_message = CASE WHEN ?3 THEN ?5 ELSE COALESCE(?5, error_message) END, "
                  "audio_key = COALESCE(?6, audio_key), audio_bytes = COALESCE(?7, audio_bytes), "
                  "duration_s = COALESCE(?8, duration_s), cache_hit = COALESCE(?9, cache_hit), "
                  "started_at = COALESCE(?10, started_at), "
                  "finished_at = COALESCE(?11, finished_at), "
                  "next_attempt_at = COALESCE(?12, next_attempt_at), "
                  "lease_owner = CASE WHEN ?13 THEN NULL ELSE lease_owner END, "
                  "lease_expires_at = CASE WHEN ?13 THEN NULL ELSE lease_expires_at END, "
                  "attempts = MAX(0, attempts - ?15), "
                  "voice_similarity = COALESCE(?16, voice_similarity) "
                  "WHERE id = ?14"));
    u.Text(1, JobStatusName(t.to)).Int(2, at).Int(3, clear_error ? 1 : 0);
    u.OptText(4, t.error_code).OptText(5, t.error_message).OptText(6, t.audio_key);
    u.OptInt(7, t.audio_bytes).OptReal(8, t.duration_s);
    u.OptInt(9, t.cache_hit ? std::optional<int64_t>(*t.cache_hit ? 1 : 0) : std::nullopt);
    u.OptInt(10, t.started_at).OptInt(11, finished_at).OptInt(12, t.next_attempt_at);
    u.Int(13, clear_lease ? 1 : 0).Text(14, t.job_id).Int(15, t.refund_attempt ? 1 : 0);
    u.OptReal(16, t.voice_similarity);
    VOX_RETURN_IF_ERROR(u.Run());
    VOX_RETURN_IF_ERROR(
        InsertEvent(c, t.job_id, t.to, at, t.attempt.value_or(attempts), t.message));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return true;
  });
}

Result<std::vector<JobEvent>> SqliteStore::ListJobEvents(const string& job_id) {
  return WithReader([&](Connection& c) -> Result<std::vector<JobEvent>> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kJobEventColumns +
                                           " FROM logs WHERE job_id = ? ORDER BY id"));
    s.Text(1, job_id);
    std::vector<JobEvent> events;
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      VOX_ASSIGN_OR_RETURN(JobEvent e, ReadJobEvent(s));
      events.push_back(std::move(e));
    }
    return events;
  });
}

Result<int64_t> SqliteStore::CountJobs(JobStatus status) {
  return WithReader([&](Connection& c) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("SELECT COUNT(*) FROM jobs WHERE status = ?"));
    VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, JobStatusName(status)).Step());
    return row ? s.ColInt(0) : 0;
  });
}

Result<std::map<JobStatus, int64_t>> SqliteStore::CountJobsByStatus() {
  return WithReader([&](Connection& c) -> Result<std::map<JobStatus, int64_t>> {
    std::map<JobStatus, int64_t> counts;
    for (JobStatus s : kAllJobStatuses) counts[s] = 0;
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("SELECT status, COUNT(*) FROM jobs GROUP BY status"));
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      VOX_ASSIGN_OR_RETURN(JobStatus status, ParseJobStatus(s.ColText(0)));
      counts[status] = s.ColInt(1);
    }
    return counts;
  });
}

Result<std::optional<Job>> SqliteStore::ClaimNextJob(const string& worker_id, int64_t lease_ms,
                                                     int64_t now) {
  if (worker_id.empty()) return InvalidArgument("a claim needs a worker id", "worker_id");
  if (lease_ms <= 0) return InvalidArgument("lease must be positive", "lease_ms");
  return WithWriter([&](Connection& c) -> Result<std::optional<Job>> {
    VOX_ASSIGN_OR_RETURN(WriteTxn txn, WriteTxn::Begin(c));
    string id, message;
    {
      // A dead worker's job first: it has waited longest.
      VOX_ASSIGN_OR_RETURN(
          Stmt s, c.Prepare(string("SELECT id, lease_owner FROM jobs WHERE lease_expires_at < ? "
                                   "AND ") +
                            kLeasedAndRunning + " ORDER BY lease_expires_at LIMIT 1"));
      VOX_ASSIGN_OR_RETURN(bool row, s.Int(1, now).Step());
      if (row) {
        id = s.ColText(0);
        message = "reclaimed by " + worker_id + " after lease of " + s.ColText(1) + " expired";
      }
    }
    if (id.empty()) {
      VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("SELECT id FROM jobs WHERE status = 'queued' AND "
                                             "next_attempt_at <= ? ORDER BY next_attempt_at, "
                                             "created_at LIMIT 1"));
      VOX_ASSIGN_OR_RETURN(bool row, s.Int(1, now).Step());
      if (!row) return std::optional<Job>();
      id = s.ColText(0);
      message = "claimed by " + worker_id;
    }
    VOX_RETURN_IF_ERROR(PickJob(c, id, worker_id, lease_ms, now, message));
    VOX_ASSIGN_OR_RETURN(Job job, LoadJob(c, id));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  });
}

Result<std::optional<Job>> SqliteStore::ClaimJob(const string& job_id, const string& worker_id,
                                                 int64_t lease_ms, int64_t now) {
  if (job_id.empty()) return InvalidArgument("a claim needs a job id", "job_id");
  if (worker_id.empty()) return InvalidArgument("a claim needs a worker id", "worker_id");
  if (lease_ms <= 0) return InvalidArgument("lease must be positive", "lease_ms");
  return WithWriter([&](Connection& c) -> Result<std::optional<Job>> {
    VOX_ASSIGN_OR_RETURN(WriteTxn txn, WriteTxn::Begin(c));
    string message;
    {
      VOX_ASSIGN_OR_RETURN(
          Stmt s, c.Prepare(string("SELECT status, lease_owner FROM jobs WHERE id = ?1 AND ("
                                   "(status = 'queued' AND next_attempt_at <= ?2) OR "
                                   "(lease_expires_at < ?2 AND ") +
                            kLeasedAndRunning + "))"));
      VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, job_id).Int(2, now).Step());
      if (!row) return std::optional<Job>();
      message = s.ColText(0) == "queued"
                    ? "claimed by " + worker_id
                    : "reclaimed by " + worker_id + " after lease of " + s.ColText(1) + " expired";
    }
    VOX_RETURN_IF_ERROR(PickJob(c, job_id, worker_id, lease_ms, now, message));
    VOX_ASSIGN_OR_RETURN(Job job, LoadJob(c, job_id));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  });
}

Status SqliteStore::ExtendLease(const string& job_id, const string& worker_id, int64_t until) {
  return WithWriter([&](Connection& c) -> Status {
    {
      VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("UPDATE jobs SET lease_expires_at = ? WHERE "
                                                    "id = ? AND lease_owner = ? AND status IN ") +
                                             kRunningIn));
      VOX_ASSIGN_OR_RETURN(int changed, s.Int(1, until).Text(2, job_id).Text(3, worker_id).Run());
      if (changed == 1) return {};
    }
    // Say why, so the worker knows whether to stop (canceled) or just let go.
    VOX_ASSIGN_OR_RETURN(Job job, LoadJob(c, job_id));
    if (job.status == JobStatus::kCanceled) {
      return MakeError(ErrorCode::kCanceled, "job " + job_id + " was canceled", "job_id");
    }
    return MakeError(ErrorCode::kFailedPrecondition,
                     "worker " + worker_id + " no longer holds the lease of job " + job_id +
                         " (status " + string(JobStatusName(job.status)) + ", owner " +
                         job.lease_owner.value_or("none") + ")",
                     "job_id");
  });
}

Status SqliteStore::ReleaseLease(const string& job_id, const string& worker_id) {
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("UPDATE jobs SET lease_owner = NULL, "
                                           "lease_expires_at = NULL WHERE id = ? AND "
                                           "lease_owner = ?"));
    VOX_RETURN_IF_ERROR(s.Text(1, job_id).Text(2, worker_id).Run());
    return {};
  });
}

Result<int64_t> SqliteStore::RequeueRunningJobs(int64_t now, const string& message) {
  return WithWriter([&](Connection& c) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(WriteTxn txn, WriteTxn::Begin(c));
    std::vector<std::pair<string, int>> jobs;
    {
      VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("UPDATE jobs SET status = 'queued', "
                                                    "lease_owner = NULL, lease_expires_at = NULL, "
                                                    "next_attempt_at = ?1, updated_at = ?1 "
                                                    "WHERE status IN ") +
                                             kRunningIn + " RETURNING id, attempts"));
      s.Int(1, now);
      while (true) {
        VOX_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        jobs.emplace_back(s.ColText(0), static_cast<int>(s.ColInt(1)));
      }
    }
    for (const auto& [id, attempt] : jobs) {
      VOX_RETURN_IF_ERROR(InsertEvent(c, id, JobStatus::kQueued, now, attempt, message));
    }
    VOX_RETURN_IF_ERROR(txn.Commit());
    return static_cast<int64_t>(jobs.size());
  });
}

Result<std::optional<int64_t>> SqliteStore::NextDueAt() {
  return WithReader([&](Connection& c) -> Result<std::optional<int64_t>> {
    // Two index seeks (jobs_status, jobs_lease), not a scan.
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("SELECT MIN(t) FROM ("
                                 "SELECT MIN(next_attempt_at) AS t FROM jobs WHERE status = "
                                 "'queued' UNION ALL "
                                 "SELECT MIN(lease_expires_at) + 1 FROM jobs WHERE ") +
                          kLeasedAndRunning + ")"));
    VOX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<int64_t>();
    return s.ColOptInt(0);
  });
}

Result<std::vector<std::string>> SqliteStore::ListStrandedJobs(int64_t queued_due_by,
                                                               int64_t lease_expired_before,
                                                               int limit) {
  return WithReader([&](Connection& c) -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    VOX_ASSIGN_OR_RETURN(
        Stmt queued,
        c.Prepare("SELECT id FROM jobs WHERE status = 'queued' AND next_attempt_at <= ?"
                  " ORDER BY created_at LIMIT ?"));
    queued.Int(1, queued_due_by).Int(2, limit);
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, queued.Step());
      if (!row) break;
      ids.push_back(queued.ColText(0));
    }
    VOX_ASSIGN_OR_RETURN(Stmt running,
                         c.Prepare(string("SELECT id FROM jobs WHERE ") + kLeasedAndRunning +
                                   " AND lease_expires_at < ? "
                                   "ORDER BY lease_expires_at LIMIT ?"));
    running.Int(1, lease_expired_before).Int(2, limit - static_cast<int>(ids.size()));
    while (static_cast<int>(ids.size()) < limit) {
      VOX_ASSIGN_OR_RETURN(bool row, running.Step());
      if (!row) break;
      ids.push_back(running.ColText(0));
    }
    return ids;
  });
}

}  // namespace vox::store::sqlite
