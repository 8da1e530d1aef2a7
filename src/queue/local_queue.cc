#include "queue/local_queue.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "queue/job_transitions.h"

namespace vox::queue {

using store::Job;
using store::JobStatus;
using store::JobTransition;

namespace {

Delivery MakeDelivery(const Job& job, const std::string& worker_id) {
  return Delivery{job.id, job.id + "#" + std::to_string(job.attempts), job.attempts, worker_id};
}

}  // namespace

Result<std::unique_ptr<LocalQueue>> LocalQueue::Open(store::Store& store,
                                                     const LocalQueueOptions& options,
                                                     const Clock& clock) {
  if (options.lease_ms <= 0) return InvalidArgument("lease_ms must be positive", "VOX_QUEUE_URL");
  if (options.poll_ms <= 0) return InvalidArgument("poll_ms must be positive", "VOX_QUEUE_URL");
  std::unique_ptr<LocalQueue> q(new LocalQueue(store, options, clock));
  if (options.requeue_on_start) {
    VOX_RETURN_IF_ERROR(store.RequeueRunningJobs(
        clock.NowMs(), "requeued at start: the process running it had stopped"));
  }
  return q;
}

void LocalQueue::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakeups_;
  }
  cv_.notify_all();
}

Status LocalQueue::Enqueue(const std::string& job_id) {
  // The job is already durable and claimable (CreateJob stored it queued);
  // all that is left is to stop a waiting worker from sleeping through it.
  Wake();
  return {};
}

Result<std::optional<Delivery>> LocalQueue::TryClaim(const std::string& worker_id) {
  while (true) {
    VOX_ASSIGN_OR_RETURN(std::optional<Job> job,
                         store_.ClaimNextJob(worker_id, options_.lease_ms, clock_.NowMs()));
    if (!job) return std::optional<Delivery>();
    if (job->attempts <= job->max_attempts) return MakeDelivery(*job, worker_id);
    // Every earlier delivery died holding the lease (a job that crashes its
    // worker, say): stop feeding it to workers.
    JobTransition fail;
    fail.job_id = job->id;
    fail.allowed_from = {JobStatus::kPicked};
    fail.to = JobStatus::kFailed;
    fail.at = clock_.NowMs();
    fail.lease_owner = worker_id;
    fail.error_code = "attempts_exhausted";
    fail.error_message = "gave up after " + std::to_string(job->max_attempts) +
                         " deliveries; the worker never finished the job";
    fail.message = *fail.error_message;
    VOX_RETURN_IF_ERROR(store_.TransitionJob(fail));
  }
}

int64_t LocalQueue::SleepMs(int64_t remaining_ms) {
  int64_t sleep = std::min(remaining_ms, options_.poll_ms);
  auto due = store_.NextDueAt();
  if (due && due->has_value()) {
    sleep = std::min(sleep, std::max<int64_t>(1, **due - clock_.NowMs()));
  }
  return std::max<int64_t>(sleep, 1);
}

Result<std::optional<Delivery>> LocalQueue::Dequeue(const std::string& worker_id, int64_t wait_ms) {
  using Steady = std::chrono::steady_clock;
  const auto deadline = Steady::now() + std::chrono::milliseconds(std::max<int64_t>(0, wait_ms));
  while (true) {
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shutdown_) return MakeError(ErrorCode::kCanceled, "queue is shutting down");
      seen = wakeups_;  // read before claiming, so an Enqueue during the claim is not missed
    }
    VOX_ASSIGN_OR_RETURN(std::optional<Delivery> delivery, TryClaim(worker_id));
    if (delivery) return delivery;

    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
    if (remaining.count() <= 0) return std::optional<Delivery>();
    int64_t sleep_ms = SleepMs(remaining.count());
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(sleep_ms),
                 [&] { return shutdown_ || wakeups_ != seen; });
  }
}

Status LocalQueue::Ack(const Delivery& delivery) {
  return store_.ReleaseLease(delivery.job_id, delivery.worker_id);
}

Result<RetryOutcome> LocalQueue::Retry(const Delivery& delivery, int64_t delay_ms,
                                       const std::string& reason) {
  VOX_ASSIGN_OR_RETURN(Job job, store_.GetJob(delivery.job_id));
  const int64_t now = clock_.NowMs();
  const bool exhausted = AttemptsExhausted(job);
  JobTransition t = RetryTransition(delivery, job, delay_ms, reason, now);
  VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
  if (!moved) return RetryOutcome::kDropped;
  if (exhausted) return RetryOutcome::kDeadLettered;
  if (delay_ms <= 0) Wake();
  return RetryOutcome::kRequeued;
}

Result<RetryOutcome> LocalQueue::Release(const Delivery& delivery, const std::string& reason,
                                         int64_t delay_ms) {
  JobTransition t = ReleaseTransition(delivery, reason, clock_.NowMs(), delay_ms);
  VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
  if (!moved) return RetryOutcome::kDropped;
  Wake();
  return RetryOutcome::kRequeued;
}

Status LocalQueue::Heartbeat(const Delivery& delivery) {
  return store_.ExtendLease(delivery.job_id, delivery.worker_id,
                            clock_.NowMs() + options_.lease_ms);
}

Result<int64_t> LocalQueue::Depth() { return store_.CountJobs(JobStatus::kQueued); }

Result<QueueStats> LocalQueue::Stats() {
  VOX_ASSIGN_OR_RETURN(auto counts, store_.CountJobsByStatus());
  QueueStats stats;
  for (const auto& [status, n] : counts) {
    if (status == JobStatus::kQueued)
      stats.backlog = n;
    else if (store::IsRunning(status))
      stats.pending += n;
  }
  return stats;
}

Status LocalQueue::ReportWorker(const WorkerPresence& presence) {
  std::lock_guard lock(mu_);
  workers_[presence.worker_id] = presence;
  return {};
}

Status LocalQueue::RemoveWorker(const std::string& worker_id) {
  std::lock_guard lock(mu_);
  workers_.erase(worker_id);
  return {};
}

Result<std::vector<WorkerPresence>> LocalQueue::ListWorkers(int64_t max_age_ms) {
  std::lock_guard lock(mu_);
  std::vector<WorkerPresence> live;
  const int64_t now = clock_.NowMs();
  for (const auto& [id, p] : workers_) {
    if (now - p.last_seen_at <= max_age_ms) live.push_back(p);
  }
  return live;
}

void LocalQueue::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  cv_.notify_all();
}

}  // namespace vox::queue
