// SqlStore: the claim and lease operations behind the durable job queues.
// Who may claim what, and in which order, is decided here once; the dialect
// only says how rows are locked (skip_locked, for_update).
#include <algorithm>
#include <string>

#include "store/job_rules.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {
namespace {

using std::string;

// The running statuses as an SQL IN-list, spelled once.
constexpr const char* kRunningIn =
    "('picked', 'preprocessing', 'inference', 'vocoding', 'uploading')";

}  // namespace

Result<Job> SqlStore::PickJob(Session& s, const string& id, const string& worker_id,
                              int64_t lease_ms, int64_t now, const string& message) {
  static const string kSql = string(
                                 "UPDATE jobs SET status = 'picked', lease_owner = ?1, "
                                 "lease_expires_at = ?2, attempts = attempts + 1, "
                                 "started_at = COALESCE(started_at, ?3), updated_at = ?3 "
                                 "WHERE id = ?4 RETURNING ") +
                             kJobColumns;
  VOX_ASSIGN_OR_RETURN(
      Rows rows, s.Query(kSql, Params().Text(worker_id).Int(now + lease_ms).Int(now).Text(id)));
  if (rows.empty()) return Internal("claimed job " + id + " vanished");
  VOX_ASSIGN_OR_RETURN(Job job, ReadJob(rows, 0));
  VOX_RETURN_IF_ERROR(InsertEvent(s, id, JobStatus::kPicked, now, job.attempts, message));
  return job;
}

DbStatus SqlStore::TakeFairRank(Session& s, const string& job_id, const string& user_id) {
  // The queue's virtual time: just before its head (the lowest rank still
  // queued), or, with nothing queued, just before the highest rank handed out.
  // Both are index seeks (jobs_fair, claim_turns_rank).
  VOX_ASSIGN_OR_RETURN(
      Rows rows,
      s.Query("SELECT COALESCE((SELECT fair_rank - 1 FROM jobs WHERE status = 'queued' AND id <> "
              "?1 ORDER BY fair_rank LIMIT 1), (SELECT next_rank - 1 FROM claim_turns ORDER BY "
              "next_rank DESC LIMIT 1), 0), COALESCE((SELECT next_rank FROM claim_turns WHERE "
              "user_id = ?2), 0)",
              Params().Text(job_id).Text(user_id)));
  // A user's burst queues behind its own earlier jobs; a user back after a
  // while starts at the virtual time, with no credit saved up.
  const int64_t rank = std::max(rows.Int(0, 0), rows.Int(0, 1));
  VOX_RETURN_IF_ERROR(
      s.Query("UPDATE jobs SET fair_rank = ?1 WHERE id = ?2", Params().Int(rank).Text(job_id)));
  // Racing submissions of one user may take the same rank: a tie, broken by
  // creation time.
  VOX_RETURN_IF_ERROR(s.Query(
      "INSERT INTO claim_turns (user_id, next_rank) VALUES (?1, ?2) ON CONFLICT (user_id) DO "
      "UPDATE SET next_rank = excluded.next_rank",
      Params().Text(user_id).Int(rank + 1)));
  return {};
}

Result<std::optional<Job>> SqlStore::ClaimNextJob(const string& worker_id, int64_t lease_ms,
                                                  int64_t now) {
  VOX_RETURN_IF_ERROR(ValidateClaim(worker_id, lease_ms));
  const Dialect& d = dialect();
  return Write([&](Session& s) -> Result<std::optional<Job>> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    // A dead worker's job first: it has waited longest.
    VOX_ASSIGN_OR_RETURN(
        Rows rows,
        s.Query(string("SELECT id, lease_owner FROM jobs WHERE lease_expires_at < ?1 "
                       "AND ") +
                    d.leased_and_running + " ORDER BY lease_expires_at LIMIT 1" + d.skip_locked,
                Params().Int(now)));
    std::optional<string> expired_owner;
    if (!rows.empty()) {
      expired_owner = rows.Text(0, 1);
    } else {
      // Fair across users: the lowest rank (TakeFairRank) that is due, read
      // in the order of the index jobs_fair. The unary + keeps SQLite's
      // planner off jobs_status (status, next_attempt_at), which would sort.
      VOX_ASSIGN_OR_RETURN(
          rows, s.Query(string("SELECT id FROM jobs WHERE status = 'queued' AND "
                               "+next_attempt_at <= ?1 ORDER BY fair_rank, created_at LIMIT 1") +
                            d.skip_locked,
                        Params().Int(now)));
      if (rows.empty()) return std::optional<Job>();
    }
    const string id = rows.Text(0, 0);
    VOX_ASSIGN_OR_RETURN(
        Job job, PickJob(s, id, worker_id, lease_ms, now, ClaimMessage(worker_id, expired_owner)));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  });
}

Result<std::optional<Job>> SqlStore::ClaimJob(const string& job_id, const string& worker_id,
                                              int64_t lease_ms, int64_t now) {
  if (job_id.empty()) return InvalidArgument("a claim needs a job id");
  VOX_RETURN_IF_ERROR(ValidateClaim(worker_id, lease_ms));
  const Dialect& d = dialect();
  return Write([&](Session& s) -> Result<std::optional<Job>> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    // Locked without skipping: a concurrent claimer of the same job waits,
    // then sees the winner's row no longer matches, and gets nothing.
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT status, lease_owner FROM jobs WHERE id = ?1 AND ("
                                        "(status = 'queued' AND next_attempt_at <= ?2) OR "
                                        "(lease_expires_at < ?2 AND ") +
                                     d.leased_and_running + "))" + d.for_update,
                                 Params().Text(job_id).Int(now)));
    if (rows.empty()) return std::optional<Job>();
    std::optional<string> expired_owner;
    if (rows.Text(0, 0) != "queued") expired_owner = rows.Text(0, 1);
    VOX_ASSIGN_OR_RETURN(Job job, PickJob(s, job_id, worker_id, lease_ms, now,
                                          ClaimMessage(worker_id, expired_owner)));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  });
}

Status SqlStore::ExtendLease(const string& job_id, const string& worker_id, int64_t until) {
  return Write([&](Session& s) -> Status {
    static const string kSql = string(
                                   "UPDATE jobs SET lease_expires_at = ?1 WHERE id = ?2 AND "
                                   "lease_owner = ?3 AND status IN ") +
                               kRunningIn;
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(kSql, Params().Int(until).Text(job_id).Text(worker_id)));
    if (rows.affected() == 1) return {};
    // Say why, so the worker knows whether to stop (canceled) or just let go.
    VOX_ASSIGN_OR_RETURN(Job job, LoadJob(s, job_id));
    return std::unexpected(LeaseLost(job, worker_id));
  });
}

Status SqlStore::ReleaseLease(const string& job_id, const string& worker_id) {
  return Write([&](Session& s) -> Status {
    VOX_RETURN_IF_ERROR(
        s.Query("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ?1 AND "
                "lease_owner = ?2",
                Params().Text(job_id).Text(worker_id)));
    return {};
  });
}

Result<int64_t> SqlStore::RequeueRunningJobs(int64_t now, const string& message) {
  return Write([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    static const string kSql = string(
                                   "UPDATE jobs SET status = 'queued', lease_owner = NULL, "
                                   "lease_expires_at = NULL, next_attempt_at = ?1, "
                                   "updated_at = ?1 WHERE status IN ") +
                               kRunningIn + " RETURNING id, attempts";
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(kSql, Params().Int(now)));
    for (int r = 0; r < rows.size(); ++r) {
      VOX_RETURN_IF_ERROR(InsertEvent(s, rows.Text(r, 0), JobStatus::kQueued, now,
                                      static_cast<int>(rows.Int(r, 1)), message));
    }
    VOX_RETURN_IF_ERROR(txn.Commit());
    return static_cast<int64_t>(rows.size());
  });
}

Result<std::optional<int64_t>> SqlStore::NextDueAt() {
  return Read([&](Session& s) -> Result<std::optional<int64_t>> {
    // Two index seeks (jobs_status, jobs_lease), not a scan.
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT MIN(t) FROM (SELECT MIN(next_attempt_at) AS t FROM "
                                        "jobs WHERE status = 'queued' UNION ALL "
                                        "SELECT MIN(lease_expires_at) + 1 FROM jobs WHERE ") +
                                 dialect().leased_and_running + ") AS due"));
    if (rows.empty()) return std::optional<int64_t>();
    return rows.OptInt(0, 0);
  });
}

Result<std::vector<std::string>> SqlStore::ListStrandedJobs(int64_t queued_due_by,
                                                            int64_t lease_expired_before,
                                                            int limit) {
  return Read([&](Session& s) -> Result<std::vector<std::string>> {
    VOX_ASSIGN_OR_RETURN(Rows queued, s.Query("SELECT id FROM jobs WHERE status = 'queued' AND "
                                              "next_attempt_at <= ?1 ORDER BY created_at LIMIT ?2",
                                              Params().Int(queued_due_by).Int(limit)));
    std::vector<std::string> ids;
    for (int r = 0; r < queued.size(); ++r) ids.push_back(queued.Text(r, 0));
    if (static_cast<int>(ids.size()) >= limit) return ids;
    VOX_ASSIGN_OR_RETURN(
        Rows running,
        s.Query(string("SELECT id FROM jobs WHERE ") + dialect().leased_and_running +
                    " AND lease_expires_at < ?1 ORDER BY lease_expires_at LIMIT ?2",
                Params().Int(lease_expired_before).Int(limit - static_cast<int>(ids.size()))));
    for (int r = 0; r < running.size(); ++r) ids.push_back(running.Text(r, 0));
    return ids;
  });
}

}  // namespace vox::store::sql
