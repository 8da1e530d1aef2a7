// JobQueue: hands accepted jobs to workers, at least once.
//
// The job itself (its row, status and event log) lives in the Store; the
// queue only decides which worker runs which job when, and notices workers
// that died. Backends: LocalQueue (local://, jobs polled from the Store with
// in-process wake-ups) and RedisQueue (redis://, a Streams consumer group with
// XAUTOCLAIM for dead consumers; redis/), both passing the same conformance
// suite (queue_conformance_test.cc).
//
// Contract, shared by every backend:
// - A job is enqueued after Store::CreateJob stored it with status queued.
// - Dequeue hands a job to one worker under a lease (visibility timeout). If
//   the worker neither acks, retries nor heartbeats before the lease ends, the
//   job is delivered again (delivery_count + 1) to some worker.
// - A job delivered more than its max_attempts times (its workers keep dying)
//   is failed with error_code "attempts_exhausted" instead of delivered again.
// - Workers move the job through its statuses with Store::TransitionJob
//   (guarded by their lease) and then Ack; or Retry to run it again later.
// All methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "queue/worker_presence.h"
#include "store/store.h"

namespace vox::queue {

struct Delivery {
  std::string job_id;
  std::string delivery_id;  // the backend's handle for this delivery
  int delivery_count = 0;   // 1 the first time; more after a retry or a dead worker
  std::string worker_id;    // the worker holding the lease
};

// What is in the queue now, for metrics.
struct QueueStats {
  int64_t backlog = 0;  // waiting for a worker
  int64_t pending = 0;  // delivered, not yet acked (running, or its worker died)
  int64_t delayed = 0;  // waiting for a retry delay (the local queue counts them in backlog)
  int64_t dead = 0;     // dead-lettered deliveries (the local queue keeps none: 0)
};

enum class RetryOutcome {
  kRequeued,      // will be delivered again after the delay
  kDeadLettered,  // attempts exhausted: the job is now failed with the reason
  kDropped,       // nothing to do: the job was canceled, or another worker owns it now
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Makes a stored, queued job available to workers and wakes one waiting here.
  virtual Status Enqueue(const std::string& job_id) = 0;
  // Waits up to wait_ms for a job (0: just look). nullopt when none came in
  // time; kCanceled once Shutdown() was called.
  virtual Result<std::optional<Delivery>> Dequeue(const std::string& worker_id,
                                                  int64_t wait_ms) = 0;
  // The delivery is finished (the worker recorded the job's outcome); it is
  // never redelivered. Acking a delivery whose lease was lost is a no-op.
  virtual Status Ack(const Delivery& delivery) = 0;
  // Delivers the job again after delay_ms, recording `reason`, unless its
  // attempts are exhausted, in which case the job is failed with `reason`.
  virtual Result<RetryOutcome> Retry(const Delivery& delivery, int64_t delay_ms,
                                     const std::string& reason) = 0;
  // Hands the job back for redelivery after delay_ms without using up an
  // attempt (a worker draining at shutdown: 0; a job waiting for a per-user
  // slot: a short delay). kDropped when the job was canceled or another worker
  // owns it now.
  virtual Result<RetryOutcome> Release(const Delivery& delivery, const std::string& reason,
                                       int64_t delay_ms) = 0;
  // Extends the lease by the queue's lease length. kCanceled when the job was
  // canceled (stop working on it); kFailedPrecondition when the lease was lost.
  virtual Status Heartbeat(const Delivery& delivery) = 0;
  // Jobs waiting for a worker (including those delayed by a retry).
  virtual Result<int64_t> Depth() = 0;
  virtual Result<QueueStats> Stats() = 0;

  // Worker heartbeats: a worker process reports itself every few seconds and
  // removes itself when it stops; ListWorkers returns those seen within
  // `max_age_ms` (and forgets ones long gone).
  virtual Status ReportWorker(const WorkerPresence& presence) = 0;
  virtual Status RemoveWorker(const std::string& worker_id) = 0;
  virtual Result<std::vector<WorkerPresence>> ListWorkers(int64_t max_age_ms) = 0;
  // The lease length a worker must heartbeat within.
  virtual int64_t lease_ms() const = 0;
  // Wakes every blocked Dequeue; from now on Dequeue returns kCanceled.
  virtual void Shutdown() = 0;
};

// Opens a queue by URL (the VOX_QUEUE_URL setting):
//   local://[?lease_ms=30000&poll_ms=250&requeue_on_start=1]
//   redis://[:password@]host:port/db[?lease_ms=30000&poll_ms=250&stream=vox:jobs]
//     (kUnavailable when Redis is unreachable, or in a build without hiredis)
// `store` and `clock` must outlive the queue. Errors name VOX_QUEUE_URL.
Result<std::unique_ptr<JobQueue>> OpenQueue(const std::string& url, store::Store& store,
                                            const Clock& clock = Clock::System());

}  // namespace vox::queue
