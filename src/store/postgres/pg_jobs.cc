// PostgresStore: jobs, their event log, and the claim/lease operations behind
// the durable local queue.
#include <algorithm>
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_store.h"

namespace vox::store::postgres {
namespace {

using std::string;

constexpr const char* kRunningIn =
    "('picked', 'preprocessing', 'inference', 'vocoding', 'uploading')";

Status InsertJob(Connection& c, const Job& j) {
  Params p;
  p.Text(j.id).Text(j.user_id).Text(JobStatusName(j.status)).Text(j.voice_id);
  p.Text(j.model_version).Text(j.text).Text(j.params).Text(j.format);
  p.OptText(j.webhook_url).OptText(j.idempotency_key).Text(j.request_hash);
  p.Text(j.cache_key).Bool(j.cache_hit).Int(j.attempts);
  p.Int(j.max_attempts).Int(j.next_attempt_at).OptText(j.lease_owner);
  p.OptInt(j.lease_expires_at).OptText(j.error_code).OptText(j.error_message);
  p.OptText(j.audio_key).OptInt(j.audio_bytes).OptReal(j.duration_s);
  p.Int(j.created_at).OptInt(j.started_at).OptInt(j.finished_at).Int(j.updated_at);
  p.OptReal(j.voice_similarity);
  // A concurrent twin with the same idempotency key inserts nothing here;
  // the caller then reads the winner.
  VOX_ASSIGN_OR_RETURN(
      Rows r, c.Query(string("INSERT INTO jobs (") + kJobColumns +
                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                          "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
                          "$28) "
                          "ON CONFLICT (user_id, idempotency_key) DO NOTHING",
                      p));
  if (r.affected() == 0) return MakeError(ErrorCode::kAlreadyExists, "idempotency key taken");
  return {};
}

Status InsertEvent(Connection& c, const string& job_id, JobStatus status, int64_t at, int attempt,
                   const string& message) {
  VOX_RETURN_IF_ERROR(c.Query(
      "INSERT INTO logs (job_id, status, at, attempt, message) "
      "VALUES ($1, $2, $3, $4, $5)",
      Params().Text(job_id).Text(JobStatusName(status)).Int(at).Int(attempt).Text(message)));
  return {};
}

Result<std::optional<Job>> FindByIdempotencyKey(Connection& c, const Job& job) {
  VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kJobColumns +
                                           " FROM jobs WHERE user_id = $1 AND "
                                           "idempotency_key = $2",
                                       Params().Text(job.user_id).Text(*job.idempotency_key)));
  if (s.empty()) return std::optional<Job>();
  VOX_ASSIGN_OR_RETURN(Job existing, ReadJob(s, 0));
  return std::optional<Job>(std::move(existing));
}

}  // namespace

Result<Job> PostgresStore::LoadJob(Connection& c, const string& id) {
  static const string kSql = string("SELECT ") + kJobColumns + " FROM jobs WHERE id = $1";
  VOX_ASSIGN_OR_RETURN(Rows s, c.Query(kSql, Params().Text(id)));
  if (s.empty()) return NotFound("no job '" + id + "'", "job_id");
  return ReadJob(s, 0);
}

Result<CreateJobResult> PostgresStore::CreateJob(Job job, std::vector<JobEvent> events) {
  if (job.id.empty()) job.id = NewUuid();
  if (job.created_at == 0) job.created_at = NowMs();
  if (job.updated_at == 0) job.updated_at = job.created_at;
  if (job.next_attempt_at == 0) job.next_attempt_at = job.created_at;
  return WithConn([&](Connection& c) -> Result<CreateJobResult> {
    if (job.idempotency_key) {
      VOX_ASSIGN_OR_RETURN(auto existing, FindByIdempotencyKey(c, job));
      if (existing) return CreateJobResult{std::move(*existing), false};
    }
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(c));
    if (auto st = InsertJob(c, job); !st) {
      Error err = st.error();
      if (err.message == "idempotency key taken") {
        // Lost a race with a concurrent request carrying the same key.
        VOX_RETURN_IF_ERROR(txn.Commit());
        VOX_ASSIGN_OR_RETURN(auto existing, FindByIdempotencyKey(c, job));
        if (existing) return CreateJobResult{std::move(*existing), false};
        return MakeError(ErrorCode::kUnavailable, "idempotent job vanished; retry");
      }
      if (err.code == ErrorCode::kAlreadyExists) err.field = "job_id";
      if (err.code == ErrorCode::kInvalidArgument &&
          err.message.find("foreign key") != string::npos) {
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

Result<Job> PostgresStore::GetJob(const string& id) {
  return WithConn([&](Connection& c) { return LoadJob(c, id); });
}

Result<bool> PostgresStore::TransitionJob(const JobTransition& t) {
  const int64_t at = t.at != 0 ? t.at : NowMs();
  const bool terminal = IsTerminal(t.to);
  const bool clear_lease = t.clear_lease || terminal || t.to == JobStatus::kQueued;
  const bool clear_error = t.to == JobStatus::kDone;
  std::optional<int64_t> finished_at = t.finished_at;
  if (!finished_at && terminal) finished_at = at;
  return WithConn([&](Connection& c) -> Result<bool> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(c));
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query("SELECT status, attempts, lease_owner FROM jobs "
                                         "WHERE id = $1 FOR UPDATE",
                                         Params().Text(t.job_id)));
    if (s.empty()) return NotFound("no job '" + t.job_id + "'", "job_id");
    VOX_ASSIGN_OR_RETURN(JobStatus current, ParseJobStatus(s.Text(0, 0)));
    const int attempts = static_cast<int>(s.Int(0, 1));
    bool allowed = t.allowed_from.empty() ? !IsTerminal(current)
                                          : std::find(t.allowed_from.begin(), t.allowed_from.end(),
                                                      current) != t.allowed_from.end();
    if (!allowed) return false;
    if (t.lease_owner && s.OptText(0, 2) != t.lease_owner) return false;
    Params p;
    p.Text(JobStatusName(t.to)).Int(at).Bool(clear_error);
    p.OptText(t.error_code).OptText(t.error_message).OptText(t.audio_key);
    p.OptInt(t.audio_bytes).OptReal(t.duration_s).OptBool(t.cache_hit);
    p.OptInt(t.started_at).OptInt(finished_at).OptInt(t.next_attempt_at);
    p.Bool(clear_lease).Text(t.job_id).Int(t.refund_attempt ? 1 : 0).OptReal(t.voice_similarity);
    VOX_RETURN_IF_ERROR(c.Query(
        "UPDATE jobs SET status = $1, updated_at = $2, "
        "error_code = CASE WHEN $3 THEN $4::text ELSE COALESCE($4::text, error_code) END, "
        "error_message = CASE WHEN $3 THEN $5::text ELSE COALESCE($5::text, error_message) END, "
        "audio_key = COALESCE($6::text, audio_key), "
        "audio_bytes = COALESCE($7::bigint, audio_bytes), "
        "duration_s = COALESCE($8::double precision, duration_s), "
        "cache_hit = COALESCE($9::boolean, cache_hit), "
        "started_at = COALESCE($10::bigint, started_at), "
        "finished_at = COALESCE($11::bigint, finished_at), "
        "next_attempt_at = COALESCE($12::bigint, next_attempt_at), "
        "lease_owner = CASE WHEN $13 THEN NULL ELSE lease_owner END, "
        "lease_expires_at = CASE WHEN $13 THEN NULL ELSE lease_expires_at END, "
        "attempts = GREATEST(0, attempts - $15::integer), "
        "voice_similarity = COALESCE($16::double precision, voice_similarity) WHERE id = $14",
        p));
    VOX_RETURN_IF_ERROR(
        InsertEvent(c, t.job_id, t.to, at, t.attempt.value_or(attempts), t.message));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return true;
  });
}

Result<std::vector<JobEvent>> PostgresStore::ListJobEvents(const string& job_id) {
  return WithConn([&](Connection& c) -> Result<std::vector<JobEvent>> {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kJobEventColumns +
                                             " FROM logs WHERE job_id = $1 ORDER BY id",
                                         Params().Text(job_id)));
    std::vector<JobEvent> events;
    for (int r = 0; r < s.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(JobEvent e, ReadJobEvent(s, r));
      events.push_back(std::move(e));
    }
    return events;
  });
}

Result<int64_t> PostgresStore::CountJobs(JobStatus status) {
  return WithConn([&](Connection& c) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query("SELECT COUNT(*) FROM jobs WHERE status = $1",
                                         Params().Text(JobStatusName(status))));
    return s.Int(0, 0);
  });
}

Result<std::map<JobStatus, int64_t>> PostgresStore::CountJobsByStatus() {
  return WithConn([&](Connection& c) -> Result<std::map<JobStatus, int64_t>> {
    std::map<JobStatus, int64_t> counts;
    for (JobStatus s : kAllJobStatuses) counts[s] = 0;
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query("SELECT status, COUNT(*) FROM jobs GROUP BY status"));
    for (int r = 0; r < s.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(JobStatus status, ParseJobStatus(s.Text(r, 0)));
      counts[status] = s.Int(r, 1);
    }
    return counts;
  });
}

Result<std::optional<Job>> PostgresStore::ClaimNextJob(const string& worker_id, int64_t lease_ms,
                                                       int64_t now) {
  if (worker_id.empty()) return InvalidArgument("a claim needs a worker id", "worker_id");
  if (lease_ms <= 0) return InvalidArgument("lease must be positive", "lease_ms");
  // The candidate row is locked with SKIP LOCKED, so concurrent claimers (in
  // any process) each take a different job instead of waiting or colliding.
  // `prev` carries the previous lease owner out of the subquery for the log.
  static const string kPick = string(
      "UPDATE jobs SET status = 'picked', lease_owner = $1, lease_expires_at = $2, "
      "attempts = attempts + 1, started_at = COALESCE(started_at, $3), updated_at = $3 "
      "FROM (SELECT id AS pick_id, lease_owner AS prev FROM jobs WHERE ");
  static const string kReclaim =
      kPick + "lease_expires_at IS NOT NULL AND lease_expires_at < $3 AND status IN " + kRunningIn +
      " ORDER BY lease_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED) AS p " +
      "WHERE jobs.id = p.pick_id RETURNING p.prev, jobs.id";
  static const string kQueued =
      kPick +
      "status = 'queued' AND next_attempt_at <= $3 ORDER BY next_attempt_at, "
      "created_at LIMIT 1 FOR UPDATE SKIP LOCKED) AS p "
      "WHERE jobs.id = p.pick_id RETURNING p.prev, jobs.id";
  return WithConn([&](Connection& c) -> Result<std::optional<Job>> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(c));
    Params p;
    p.Text(worker_id).Int(now + lease_ms).Int(now);
    string message;
    // A dead worker's job first: it has waited longest.
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(kReclaim, p));
    if (!s.empty()) {
      message = "reclaimed by " + worker_id + " after lease of " + s.Text(0, 0) + " expired";
    } else {
      VOX_ASSIGN_OR_RETURN(s, c.Query(kQueued, p));
      if (s.empty()) return std::optional<Job>();
      message = "claimed by " + worker_id;
    }
    const string id = s.Text(0, 1);
    VOX_ASSIGN_OR_RETURN(Job job, LoadJob(c, id));
    VOX_RETURN_IF_ERROR(InsertEvent(c, id, JobStatus::kPicked, now, job.attempts, message));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  });
}

Result<std::optional<Job>> PostgresStore::ClaimJob(const string& job_id, const string& worker_id,
                                                   int64_t lease_ms, int64_t now) {
  if (job_id.empty()) return InvalidArgument("a claim needs a job id", "job_id");
  if (worker_id.empty()) return InvalidArgument("a claim needs a worker id", "worker_id");
  if (lease_ms <= 0) return InvalidArgument("lease must be positive", "lease_ms");
  // FOR UPDATE (without SKIP LOCKED): a concurrent claimer of the same job
  // waits, then re-checks the condition against the winner's row and gets
  // nothing.
  static const string kSql =
      string(
          "UPDATE jobs SET status = 'picked', lease_owner = $1, lease_expires_at = $2, "
          "attempts = attempts + 1, started_at = COALESCE(started_at, $3), updated_at = $3 "
          "FROM (SELECT id AS pick_id, status AS prev_status, lease_owner AS prev FROM jobs "
          "WHERE id = $4 AND ((status = 'queued' AND next_attempt_at <= $3) OR "
          "(lease_expires_at IS NOT NULL AND lease_expires_at < $3 AND status IN ") +
      kRunningIn + ")) FOR UPDATE) AS p WHERE jobs.id = p.pick_id RETURNING p.prev_status, p.prev";
  return WithConn([&](Connection& c) -> Result<std::optional<Job>> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(c));
    VOX_ASSIGN_OR_RETURN(
        Rows s, c.Query(kSql, Params().Text(worker_id).Int(now + lease_ms).Int(now).Text(job_id)));
    if (s.empty()) return std::optional<Job>();
    const string message =
        s.Text(0, 0) == "queued"
            ? "claimed by " + worker_id
            : "reclaimed by " + worker_id + " after lease of " + s.Text(0, 1) + " expired";
    VOX_ASSIGN_OR_RETURN(Job job, LoadJob(c, job_id));
    VOX_RETURN_IF_ERROR(InsertEvent(c, job_id, JobStatus::kPicked, now, job.attempts, message));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  });
}

Status PostgresStore::ExtendLease(const string& job_id, const string& worker_id, int64_t until) {
  return WithConn([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("UPDATE jobs SET lease_expires_at = $1 WHERE "
                                                "id = $2 AND lease_owner = $3 AND status IN ") +
                                             kRunningIn,
                                         Params().Int(until).Text(job_id).Text(worker_id)));
    if (s.affected() == 1) return {};
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

Status PostgresStore::ReleaseLease(const string& job_id, const string& worker_id) {
  return WithConn([&](Connection& c) -> Status {
    VOX_RETURN_IF_ERROR(
        c.Query("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL "
                "WHERE id = $1 AND lease_owner = $2",
                Params().Text(job_id).Text(worker_id)));
    return {};
  });
}

Result<int64_t> PostgresStore::RequeueRunningJobs(int64_t now, const string& message) {
  return WithConn([&](Connection& c) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(c));
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("UPDATE jobs SET status = 'queued', "
                                                "lease_owner = NULL, lease_expires_at = NULL, "
                                                "next_attempt_at = $1, updated_at = $1 "
                                                "WHERE status IN ") +
                                             kRunningIn + " RETURNING id, attempts",
                                         Params().Int(now)));
    for (int r = 0; r < s.size(); ++r) {
      VOX_RETURN_IF_ERROR(InsertEvent(c, s.Text(r, 0), JobStatus::kQueued, now,
                                      static_cast<int>(s.Int(r, 1)), message));
    }
    VOX_RETURN_IF_ERROR(txn.Commit());
    return static_cast<int64_t>(s.size());
  });
}

Result<std::optional<int64_t>> PostgresStore::NextDueAt() {
  return WithConn([&](Connection& c) -> Result<std::optional<int64_t>> {
    VOX_ASSIGN_OR_RETURN(Rows s,
                         c.Query(string("SELECT MIN(t) FROM ("
                                        "SELECT MIN(next_attempt_at) AS t FROM jobs WHERE status = "
                                        "'queued' UNION ALL "
                                        "SELECT MIN(lease_expires_at) + 1 FROM jobs WHERE "
                                        "lease_expires_at IS NOT NULL AND status IN ") +
                                 kRunningIn + ") AS due"));
    if (s.empty()) return std::optional<int64_t>();
    return s.OptInt(0, 0);
  });
}

Result<std::vector<std::string>> PostgresStore::ListStrandedJobs(int64_t queued_due_by,
                                                                 int64_t lease_expired_before,
                                                                 int limit) {
  return WithConn([&](Connection& c) -> Result<std::vector<std::string>> {
    VOX_ASSIGN_OR_RETURN(
        Rows r,
        c.Query(string("(SELECT id, 0 AS k, created_at AS t FROM jobs WHERE status = "
                       "'queued' AND next_attempt_at <= $1 ORDER BY created_at LIMIT $3) "
                       "UNION ALL (SELECT id, 1, lease_expires_at FROM jobs WHERE "
                       "lease_expires_at < $2 AND status IN ") +
                    kRunningIn + " ORDER BY lease_expires_at LIMIT $3) ORDER BY 2, 3 LIMIT $3",
                Params().Int(queued_due_by).Int(lease_expired_before).Int(limit)));
    std::vector<std::string> ids;
    for (int i = 0; i < r.size(); ++i) ids.push_back(r.Text(i, 0));
    return ids;
  });
}

}  // namespace vox::store::postgres
