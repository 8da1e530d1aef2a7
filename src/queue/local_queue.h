// LocalQueue: the embedded, durable queue. Jobs live in the Store (so a crash
// or restart loses none); a worker claims one with Store::ClaimNextJob, which
// is atomic across threads and processes. Enqueue wakes a waiting Dequeue at
// once; delayed retries and expired leases are noticed by sleeping until the
// Store's NextDueAt, at most poll_ms at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

#include "queue/job_queue.h"

namespace vox::queue {

struct LocalQueueOptions {
  int64_t lease_ms = 30'000;
  int64_t poll_ms = 250;  // longest sleep between looks at the Store
  // Requeue jobs left running by a previous process at start. Right for the
  // embedded shape, where one process owns the database's queue; turn it off
  // if several processes ever share one local queue.
  bool requeue_on_start = true;
};

class LocalQueue final : public JobQueue {
 public:
  // Applies requeue_on_start; `store` and `clock` must outlive the queue.
  static Result<std::unique_ptr<LocalQueue>> Open(store::Store& store,
                                                  const LocalQueueOptions& options,
                                                  const Clock& clock = Clock::System());

  Status Enqueue(const std::string& job_id) override;
  Result<std::optional<Delivery>> Dequeue(const std::string& worker_id, int64_t wait_ms) override;
  Status Ack(const Delivery& delivery) override;
  Result<RetryOutcome> Retry(const Delivery& delivery, int64_t delay_ms,
                             const std::string& reason) override;
  Result<RetryOutcome> Release(const Delivery& delivery, const std::string& reason,
                               int64_t delay_ms) override;
  Status Heartbeat(const Delivery& delivery) override;
  Result<int64_t> Depth() override;
  Result<QueueStats> Stats() override;
  // Presence lives in this process's memory: the embedded shape's workers
  // are its own threads.
  Status ReportWorker(const WorkerPresence& presence) override;
  Status RemoveWorker(const std::string& worker_id) override;
  Result<std::vector<WorkerPresence>> ListWorkers(int64_t max_age_ms) override;
  int64_t lease_ms() const override { return options_.lease_ms; }
  void Shutdown() override;

 private:
  LocalQueue(store::Store& store, const LocalQueueOptions& options, const Clock& clock)
      : store_(store), options_(options), clock_(clock) {}

  // One claim; fails jobs whose attempts are exhausted and claims again.
  Result<std::optional<Delivery>> TryClaim(const std::string& worker_id);
  // How long to sleep before the next look, at most `remaining_ms`.
  int64_t SleepMs(int64_t remaining_ms);
  void Wake();

  store::Store& store_;
  const LocalQueueOptions options_;
  const Clock& clock_;

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakeups_ = 0;  // bumped by Enqueue and Retry; waiters compare it
  bool shutdown_ = false;
  std::map<std::string, WorkerPresence> workers_;  // guarded by mu_
};

}  // namespace vox::queue
