#include "store/job_rules.h"

#include <algorithm>

#include "common/uuid.h"

namespace vox::store {

TransitionPlan PlanTransition(const JobTransition& t, int64_t now) {
  TransitionPlan plan;
  plan.at = t.at != 0 ? t.at : now;
  const bool terminal = IsTerminal(t.to);
  plan.clear_lease = t.clear_lease || terminal || t.to == JobStatus::kQueued;
  plan.clear_error = t.to == JobStatus::kDone;
  plan.finished_at = t.finished_at;
  if (!plan.finished_at && terminal) plan.finished_at = plan.at;
  return plan;
}

bool TransitionAllowed(const JobTransition& t, JobStatus current,
                       const std::optional<std::string>& lease_owner) {
  const bool allowed = t.allowed_from.empty()
                           ? !IsTerminal(current)
                           : std::find(t.allowed_from.begin(), t.allowed_from.end(), current) !=
                                 t.allowed_from.end();
  if (!allowed) return false;
  return !t.lease_owner || lease_owner == t.lease_owner;
}

Status ValidateClaim(const std::string& worker_id, int64_t lease_ms) {
  if (worker_id.empty()) return InvalidArgument("a claim needs a worker id");
  if (lease_ms <= 0) return InvalidArgument("a lease must be positive");
  return {};
}

std::string ClaimMessage(const std::string& worker_id,
                         const std::optional<std::string>& expired_owner) {
  if (!expired_owner) return "claimed by " + worker_id;
  return "reclaimed by " + worker_id + " after lease of " + *expired_owner + " expired";
}

Error LeaseLost(const Job& job, const std::string& worker_id) {
  if (job.status == JobStatus::kCanceled) {
    return Error{ErrorCode::kCanceled, "job " + job.id + " was canceled", {}};
  }
  return Error{ErrorCode::kFailedPrecondition,
               "worker " + worker_id + " no longer holds the lease of job " + job.id + " (status " +
                   std::string(JobStatusName(job.status)) + ", owner " +
                   job.lease_owner.value_or("none") + ")",
               {}};
}

void FillNewJob(Job& job, int64_t now) {
  if (job.id.empty()) job.id = NewUuid();
  if (job.created_at == 0) job.created_at = now;
  if (job.updated_at == 0) job.updated_at = job.created_at;
  if (job.next_attempt_at == 0) job.next_attempt_at = job.created_at;
}

}  // namespace vox::store
