// The Store side of JobQueue::Retry and Release, shared by every backend so
// all of them record a retry, a dead letter or a hand-back the same way.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "queue/job_queue.h"
#include "store/types.h"

namespace vox::queue {

inline const std::vector<store::JobStatus> kRunningStatuses = {
    store::JobStatus::kPicked, store::JobStatus::kPreprocessing, store::JobStatus::kInference,
    store::JobStatus::kVocoding, store::JobStatus::kUploading};

inline bool AttemptsExhausted(const store::Job& job) { return job.attempts >= job.max_attempts; }

// Queued again after `delay_ms`, or failed with "attempts_exhausted".
inline store::JobTransition RetryTransition(const Delivery& delivery, const store::Job& job,
                                            int64_t delay_ms, const std::string& reason,
                                            int64_t now) {
  const int64_t delay = std::max<int64_t>(0, delay_ms);
  store::JobTransition t;
  t.job_id = delivery.job_id;
  t.allowed_from = kRunningStatuses;
  t.at = now;
  t.lease_owner = delivery.worker_id;
  t.error_message = reason;
  if (AttemptsExhausted(job)) {
    t.to = store::JobStatus::kFailed;
    t.error_code = "attempts_exhausted";
    t.message = "failed after " + std::to_string(job.attempts) + " attempts: " + reason;
  } else {
    t.to = store::JobStatus::kQueued;
    t.next_attempt_at = now + delay;
    t.message = "retry in " + std::to_string(delay) + " ms: " + reason;
  }
  return t;
}

// Queued again after `delay_ms` without spending an attempt (a draining
// worker, a job waiting for a slot).
inline store::JobTransition ReleaseTransition(const Delivery& delivery, const std::string& reason,
                                              int64_t now, int64_t delay_ms) {
  store::JobTransition t;
  t.job_id = delivery.job_id;
  t.allowed_from = kRunningStatuses;
  t.to = store::JobStatus::kQueued;
  t.at = now;
  t.message = "handed back: " + reason;
  t.lease_owner = delivery.worker_id;
  t.next_attempt_at = now + std::max<int64_t>(0, delay_ms);
  t.refund_attempt = true;
  return t;
}

}  // namespace vox::queue
