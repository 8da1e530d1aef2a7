// SqlStore: jobs and their event log. The lifecycle rules themselves are in
// ../job_rules.h; this file applies them in one transaction each.
#include <string>

#include "common/clock.h"
#include "store/job_rules.h"
#include "store/job_status.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {
namespace {

using std::string;

DbStatus InsertJob(Session& s, const Job& j) {
  Params p;
  p.Text(j.id).Text(j.user_id).Text(JobStatusName(j.status)).Text(j.voice_id);
  p.Text(j.model_version).Text(j.text).Text(j.params).Text(j.format);
  p.OptText(j.webhook_url).OptText(j.idempotency_key).Text(j.request_hash);
  p.Text(j.cache_key).Bool(j.cache_hit).Int(j.attempts);
  p.Int(j.max_attempts).Int(j.next_attempt_at).OptText(j.lease_owner);
  p.OptInt(j.lease_expires_at).OptText(j.error_code).OptText(j.error_message);
  p.OptText(j.audio_key).OptInt(j.audio_bytes).OptReal(j.duration_s);
  p.Int(j.created_at).OptInt(j.started_at).OptInt(j.finished_at).Int(j.updated_at);
  p.OptReal(j.voice_similarity).Text(JobKindName(j.kind)).OptInt(j.audio_expired_at);
  static const string kSql = string("INSERT INTO jobs (") + kJobColumns +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                             "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
                             "?27, ?28, ?29, ?30)";
  VOX_RETURN_IF_ERROR(s.Query(kSql, p));
  return {};
}

// The job `user_id` created with `key`, if any.
Result<std::optional<Job>> FindByIdempotencyKey(Session& s, const Job& job) {
  static const string kSql =
      string("SELECT ") + kJobColumns + " FROM jobs WHERE user_id = ?1 AND idempotency_key = ?2";
  VOX_ASSIGN_OR_RETURN(Rows rows,
                       s.Query(kSql, Params().Text(job.user_id).Text(*job.idempotency_key)));
  if (rows.empty()) return std::optional<Job>();
  VOX_ASSIGN_OR_RETURN(Job existing, ReadJob(rows, 0));
  return std::optional<Job>(std::move(existing));
}

}  // namespace

DbStatus SqlStore::InsertEvent(Session& s, const string& job_id, JobStatus status, int64_t at,
                               int attempt, const string& message) {
  VOX_RETURN_IF_ERROR(s.Query(
      "INSERT INTO logs (job_id, status, at, attempt, message) VALUES (?1, ?2, ?3, ?4, ?5)",
      Params().Text(job_id).Text(JobStatusName(status)).Int(at).Int(attempt).Text(message)));
  return {};
}

Result<Job> SqlStore::LoadJob(Session& s, const string& id) {
  // Built once: GetJob is the API's hottest read.
  static const string kSql = string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1";
  VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(kSql, Params().Text(id)));
  if (rows.empty()) return NotFound("no job '" + id + "'");
  return ReadJob(rows, 0);
}

Result<CreateJobResult> SqlStore::CreateJob(Job job, std::vector<JobEvent> events) {
  return CreateJobWith(std::move(job), std::move(events), nullptr);
}

Result<CreateJobResult> SqlStore::CreateJobCapped(Job job, std::vector<JobEvent> events,
                                                  int64_t max_in_flight,
                                                  const std::optional<QuotaCharge>& charge) {
  if (charge && charge->delta.user_id != job.user_id) {
    return InvalidArgument("a job's charge is its own user's");
  }
  return CreateJobWith(std::move(job), std::move(events), nullptr, max_in_flight,
                       charge ? &*charge : nullptr);
}

DbStatus SqlStore::LockUser(Session& s, const string& user_id) const {
  if (*dialect().lock_user == '\0') return {};  // SQLite: BEGIN IMMEDIATE serializes writers
  VOX_RETURN_IF_ERROR(s.Query(dialect().lock_user, Params().Text(user_id)));
  return {};
}

Result<CreateJobResult> SqlStore::CreateVoiceCreationJob(Voice voice, Job job,
                                                         std::vector<JobEvent> events,
                                                         const VoiceCreationLimits& limits) {
  if (voice.kind != VoiceKind::kClone || !voice.user_id || voice.id.empty() ||
      voice.id != job.voice_id || job.kind != JobKind::kVoiceCreation) {
    return InvalidArgument("a voice creation job needs its clone's id and owner");
  }
  if (voice.created_at == 0) voice.created_at = NowMs();
  if (voice.updated_at == 0) voice.updated_at = voice.created_at;
  return CreateJobWith(std::move(job), std::move(events), &voice, 0, nullptr, limits);
}

Status SqlStore::CheckCloneLimits(Session& s, const string& user_id,
                                  const VoiceCreationLimits& limits) {
  VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = "
                                          "'processing' THEN 1 ELSE 0 END), 0) FROM voices "
                                          "WHERE user_id = ?1 AND kind = 'clone' AND status IN "
                                          "('processing', 'ready')",
                                          Params().Text(user_id)));
  const int64_t kept = rows.empty() ? 0 : rows.Int(0, 0);
  const int64_t pending = rows.empty() ? 0 : rows.Int(0, 1);
  auto refuse = [&](const char* field, const std::string& what, int64_t n, int64_t bound) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "user '" + user_id + "' has " + std::to_string(n) + " " + what +
                         ", the most allowed (" + std::to_string(bound) + ")",
                     field);
  };
  if (limits.max_kept > 0 && kept >= limits.max_kept) {
    return refuse(kVoiceSlotsField, "cloned voices", kept, limits.max_kept);
  }
  if (limits.max_pending > 0 && pending >= limits.max_pending) {
    return refuse(kPendingCreationsField, "voice creations in progress", pending,
                  limits.max_pending);
  }
  return {};
}

Result<CreateJobResult> SqlStore::CreateJobWith(Job job, std::vector<JobEvent> events,
                                                const Voice* voice, int64_t max_in_flight,
                                                const QuotaCharge* charge,
                                                const VoiceCreationLimits& voice_limits) {
  FillNewJob(job, NowMs());
  const bool capped =
      max_in_flight > 0 && job.kind == JobKind::kSynthesis && !IsTerminal(job.status);
  const bool clone_limited =
      voice != nullptr && (voice_limits.max_kept > 0 || voice_limits.max_pending > 0);
  return Write([&](Session& s) -> Result<CreateJobResult> {
    DbStatus inserted;
    {
      VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
      // First, so a racing submission of the same user (or the same key) is
      // counted (or found) once it commits.
      if (capped || charge || clone_limited) VOX_RETURN_IF_ERROR(LockUser(s, job.user_id));
      if (job.idempotency_key) {
        VOX_ASSIGN_OR_RETURN(auto existing, FindByIdempotencyKey(s, job));
        if (existing) return CreateJobResult{std::move(*existing), false};
      }
      // The quota before the bound on jobs in flight: over both, waiting does not help.
      if (charge) VOX_RETURN_IF_ERROR(ChargeWithin(s, *charge));
      if (capped) {
        VOX_ASSIGN_OR_RETURN(int64_t in_flight, CountInFlight(s, job.user_id));
        if (in_flight >= max_in_flight) {
          return MakeError(ErrorCode::kResourceExhausted,
                           "user '" + job.user_id + "' has " + std::to_string(in_flight) +
                               " jobs in flight, the most allowed (" +
                               std::to_string(max_in_flight) + ")");
        }
      }
      if (clone_limited) VOX_RETURN_IF_ERROR(CheckCloneLimits(s, job.user_id, voice_limits));
      if (voice) inserted = InsertVoice(s, *voice);
      if (inserted) inserted = InsertJob(s, job);
      if (inserted && job.status == JobStatus::kQueued) {
        inserted = TakeFairRank(s, job.id, job.user_id);
      }
      if (inserted) {
        for (JobEvent& e : events) {
          e.job_id = job.id;
          if (e.at == 0) e.at = job.created_at;
          VOX_RETURN_IF_ERROR(InsertEvent(s, job.id, e.status, e.at, e.attempt, e.message));
        }
        VOX_RETURN_IF_ERROR(txn.Commit());
        return CreateJobResult{std::move(job), true};
      }
    }  // rolled back
    const DbError& err = inserted.error();
    if (err.code == DbErrc::kUniqueViolation && job.idempotency_key) {
      // A concurrent request with the same key committed first: it is the
      // job, as if this request had come second.
      VOX_ASSIGN_OR_RETURN(auto existing, FindByIdempotencyKey(s, job));
      if (existing) return CreateJobResult{std::move(*existing), false};
    }
    if (err.code == DbErrc::kUniqueViolation) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "a job with id '" + job.id + "' (or its voice) exists");
    }
    if (err.code == DbErrc::kForeignKeyViolation) {
      return InvalidArgument("no user '" + job.user_id + "' to own the job");
    }
    return std::unexpected(Error(err));
  });
}

Result<Job> SqlStore::GetJob(const string& id) {
  return Read([&](Session& s) { return LoadJob(s, id); });
}

Result<std::vector<Job>> SqlStore::ListUserJobs(const string& user_id, int limit) {
  if (limit < 1) return InvalidArgument("limit must be >= 1");
  static const string kSql = string("SELECT ") + kJobColumns +
                             " FROM jobs WHERE user_id = ?1 ORDER BY created_at DESC, id DESC "
                             "LIMIT ?2";
  return Read([&](Session& s) -> Result<std::vector<Job>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(kSql, Params().Text(user_id).Int(limit)));
    std::vector<Job> jobs;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Job j, ReadJob(rows, r));
      jobs.push_back(std::move(j));
    }
    return jobs;
  });
}

Result<std::vector<Job>> SqlStore::ListVoiceJobs(const string& voice_id, const string& after_id,
                                                 int limit) {
  if (limit < 1) return InvalidArgument("limit must be >= 1");
  const char* byte_order = dialect().byte_order;
  const string sql = string("SELECT ") + kJobColumns + " FROM jobs WHERE voice_id = ?1 AND id" +
                     byte_order + " > ?2 ORDER BY id" + byte_order + " LIMIT ?3";
  return Read([&](Session& s) -> Result<std::vector<Job>> {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(sql, Params().Text(voice_id).Text(after_id).Int(limit)));
    std::vector<Job> jobs;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Job j, ReadJob(rows, r));
      jobs.push_back(std::move(j));
    }
    return jobs;
  });
}

Result<std::vector<std::string>> SqlStore::FindJobIdsByPrefix(const string& prefix, int limit) {
  if (limit < 1) return InvalidArgument("limit must be >= 1");
  if (prefix.empty()) return InvalidArgument("prefix must not be empty");
  const char* byte_order = dialect().byte_order;
  // [prefix, prefix + "~"): ids are printable ASCII below '~'.
  const string sql = string("SELECT id FROM jobs WHERE id") + byte_order + " >= ?1 AND id" +
                     byte_order + " < ?2 ORDER BY id" + byte_order + " LIMIT ?3";
  return Read([&](Session& s) -> Result<std::vector<std::string>> {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(sql, Params().Text(prefix).Text(prefix + "~").Int(limit)));
    std::vector<std::string> ids;
    for (int r = 0; r < rows.size(); ++r) ids.push_back(rows.Text(r, 0));
    return ids;
  });
}

Result<std::vector<std::string>> SqlStore::ListRecentJobIds(int limit) {
  if (limit < 1) return InvalidArgument("limit must be >= 1");
  const string sql = string("SELECT id FROM jobs ORDER BY created_at DESC, id") +
                     dialect().byte_order + " LIMIT ?1";
  return Read([&](Session& s) -> Result<std::vector<std::string>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(sql, Params().Int(limit)));
    std::vector<std::string> ids;
    ids.reserve(static_cast<size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r) ids.push_back(rows.Text(r, 0));
    return ids;
  });
}

Result<bool> SqlStore::TransitionJob(const JobTransition& t) {
  const TransitionPlan plan = PlanTransition(t, NowMs());
  return Write([&](Session& s) -> Result<bool> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT status, attempts, lease_owner FROM "
                                                   "jobs WHERE id = ?1") +
                                                dialect().for_update,
                                            Params().Text(t.job_id)));
    if (rows.empty()) return NotFound("no job '" + t.job_id + "'");
    VOX_ASSIGN_OR_RETURN(JobStatus current, ParseJobStatus(rows.Text(0, 0)));
    const int attempts = static_cast<int>(rows.Int(0, 1));
    if (!TransitionAllowed(t, current, rows.OptText(0, 2))) return false;
    Params p;
    p.Text(JobStatusName(t.to)).Int(plan.at).Bool(plan.clear_error);
    p.OptText(t.error_code).OptText(t.error_message).OptText(t.audio_key);
    p.OptInt(t.audio_bytes).OptReal(t.duration_s).OptBool(t.cache_hit);
    p.OptInt(t.started_at).OptInt(plan.finished_at).OptInt(t.next_attempt_at);
    p.Bool(plan.clear_lease).Text(t.job_id).Int(t.refund_attempt ? 1 : 0);
    p.OptReal(t.voice_similarity);
    // Casts give PostgreSQL the types of parameters it cannot infer.
    static const string kUpdate =
        "UPDATE jobs SET status = ?1, updated_at = ?2, "
        "error_code = CASE WHEN CAST(?3 AS BOOLEAN) THEN CAST(?4 AS TEXT) "
        "ELSE COALESCE(CAST(?4 AS TEXT), error_code) END, "
        "error_message = CASE WHEN CAST(?3 AS BOOLEAN) THEN CAST(?5 AS TEXT) "
        "ELSE COALESCE(CAST(?5 AS TEXT), error_message) END, "
        "audio_key = COALESCE(CAST(?6 AS TEXT), audio_key), "
        "audio_bytes = COALESCE(CAST(?7 AS BIGINT), audio_bytes), "
        "duration_s = COALESCE(CAST(?8 AS DOUBLE PRECISION), duration_s), "
        "cache_hit = COALESCE(CAST(?9 AS BOOLEAN), cache_hit), "
        "started_at = COALESCE(CAST(?10 AS BIGINT), started_at), "
        "finished_at = COALESCE(CAST(?11 AS BIGINT), finished_at), "
        "next_attempt_at = COALESCE(CAST(?12 AS BIGINT), next_attempt_at), "
        "lease_owner = CASE WHEN CAST(?13 AS BOOLEAN) THEN NULL ELSE lease_owner END, "
        "lease_expires_at = CASE WHEN CAST(?13 AS BOOLEAN) THEN NULL ELSE lease_expires_at END, "
        "attempts = CASE WHEN attempts > CAST(?15 AS INTEGER) "
        "THEN attempts - CAST(?15 AS INTEGER) ELSE 0 END, "
        "voice_similarity = COALESCE(CAST(?16 AS DOUBLE PRECISION), voice_similarity) "
        "WHERE id = ?14";
    VOX_RETURN_IF_ERROR(s.Query(kUpdate, p));
    VOX_RETURN_IF_ERROR(
        InsertEvent(s, t.job_id, t.to, plan.at, t.attempt.value_or(attempts), t.message));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return true;
  });
}

Result<std::vector<JobEvent>> SqlStore::ListJobEvents(const string& job_id) {
  return Read([&](Session& s) -> Result<std::vector<JobEvent>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kJobEventColumns +
                                                " FROM logs WHERE job_id = ?1 ORDER BY id",
                                            Params().Text(job_id)));
    std::vector<JobEvent> events;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(JobEvent e, ReadJobEvent(rows, r));
      events.push_back(std::move(e));
    }
    return events;
  });
}

Result<int64_t> SqlStore::CountJobs(JobStatus status) {
  return Read([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT COUNT(*) FROM jobs WHERE status = ?1",
                                            Params().Text(JobStatusName(status))));
    return rows.empty() ? 0 : rows.Int(0, 0);
  });
}

Result<int64_t> SqlStore::CountRunningJobs(const string& user_id, JobKind kind,
                                           const string& except_job_id) {
  return Read([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(
        Rows rows, s.Query("SELECT COUNT(*) FROM jobs WHERE user_id = ?1 AND kind = ?2 AND "
                           "status IN ('picked', 'preprocessing', 'inference', 'vocoding', "
                           "'uploading') AND id <> ?3",
                           Params().Text(user_id).Text(JobKindName(kind)).Text(except_job_id)));
    return rows.empty() ? 0 : rows.Int(0, 0);
  });
}

Result<std::map<JobStatus, int64_t>> SqlStore::CountJobsByStatus() {
  return Read([&](Session& s) -> Result<std::map<JobStatus, int64_t>> {
    std::map<JobStatus, int64_t> counts;
    for (JobStatus status : kAllJobStatuses) counts[status] = 0;
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT status, COUNT(*) FROM jobs GROUP BY status"));
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(JobStatus status, ParseJobStatus(rows.Text(r, 0)));
      counts[status] = rows.Int(r, 1);
    }
    return counts;
  });
}

}  // namespace vox::store::sql
