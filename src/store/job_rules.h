// The job lifecycle rules, written once for every backend: which transitions
// a guard lets through, what a transition also changes, who may claim, and
// what a worker is told when its lease is gone. The SQL that applies them is
// in sql/sql_jobs.cc and sql/sql_queue.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "store/types.h"

namespace vox::store {

// What TransitionJob writes besides the new status (see JobStore::TransitionJob).
struct TransitionPlan {
  int64_t at = 0;                      // t.at, or now
  bool clear_lease = false;            // queued or terminal targets, or t.clear_lease
  bool clear_error = false;            // done clears error_code/error_message unless given
  std::optional<int64_t> finished_at;  // terminal targets: t.finished_at or `at`
};
TransitionPlan PlanTransition(const JobTransition& t, int64_t now);

// The guard: the current status is in t.allowed_from (empty: any
// non-terminal status) and, when t.lease_owner is set, that worker holds the
// lease. This is what keeps a canceled job canceled and makes completion
// happen once.
bool TransitionAllowed(const JobTransition& t, JobStatus current,
                       const std::optional<std::string>& lease_owner);

// kInvalidArgument for an empty worker id or a non-positive lease.
Status ValidateClaim(const std::string& worker_id, int64_t lease_ms);

// The log message of a claim: a queued job's first pick, or a reclaim from a
// worker whose lease expired (`expired_owner`).
std::string ClaimMessage(const std::string& worker_id,
                         const std::optional<std::string>& expired_owner);

// Why ExtendLease failed for a job `worker_id` no longer holds: kCanceled
// when it was canceled (stop work), else kFailedPrecondition (let go).
Error LeaseLost(const Job& job, const std::string& worker_id);

// Fills what a new job leaves unset: id, created_at, updated_at, next_attempt_at.
void FillNewJob(Job& job, int64_t now);

}  // namespace vox::store
