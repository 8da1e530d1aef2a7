// RedisQueue: the scale-out JobQueue over Redis Streams.
//
// Keys (prefix = the `stream` option, default "vox:jobs"):
//   <stream>          the stream of deliveries (field `job` = job id), read by
//                     the consumer group <stream>:workers, one consumer per worker id
//   <stream>:delayed  a ZSET of job ids scored by due time (retries with a delay),
//                     moved into the stream by whichever Dequeue sees them due
//   <stream>:dead     the dead-letter stream (job, reason, attempts)
//   <stream>:workers-seen   a HASH of worker heartbeats (WorkerPresence JSON)
//   <stream>:generation     a marker set once per Redis dataset; see Reconcile()
// The Store stays the truth about a job: an entry the stream hands a worker
// is a turn to run one job, and Store::ClaimNextJob picks which (a dead
// worker's job first, then in fair order across users) and claims it (picked,
// lease, attempts + 1, a log row), exactly as LocalQueue does, so workers
// cannot tell the backends apart and one user's burst at the head of the
// stream does not hold back another user's job. Entries are XACKed and XDELed when their delivery
// ends, so the stream holds only waiting and pending entries. A worker that stops heartbeating
// leaves its entry pending; after lease_ms of idleness XAUTOCLAIM hands it to another worker
// (attempts + 1 in the Store). Thread-safe: calls borrow connections from a pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "queue/job_queue.h"
#include "redis/redis_connection.h"

namespace vox::queue::redis {

using ::vox::redis::RedisEndpoint;
using ::vox::redis::RedisPool;
using ::vox::redis::Reply;

struct RedisQueueOptions {
  RedisEndpoint endpoint;
  std::string stream = "vox:jobs";
  int64_t lease_ms = 30'000;
  // Longest single blocking read: bounds how late a Dequeue notices a due
  // retry, an expired lease or Shutdown().
  int64_t poll_ms = 250;
  // How often a process looks for jobs Redis lost (Reconcile); 0: never.
  int64_t reconcile_ms = 10'000;
  // A job queued and due for this long, or running with a lease expired this
  // long ago, is taken to be missing from Redis and enqueued again.
  int64_t stranded_after_ms = 600'000;
};

// Parses redis://[:password@]host:port/db?lease_ms=..&poll_ms=..&stream=..
//   &reconcile_ms=..&stranded_after_ms=..
// Errors name VOX_QUEUE_URL and never echo the password.
Result<RedisQueueOptions> ParseRedisQueueUrl(const std::string& url);

class RedisQueue final : public JobQueue {
 public:
  // Connects once (kUnavailable when Redis is down) and creates the group.
  static Result<std::unique_ptr<RedisQueue>> Open(store::Store& store,
                                                  const RedisQueueOptions& options,
                                                  const Clock& clock = Clock::System());

  Status Enqueue(const std::string& job_id) override;
  Result<std::optional<Delivery>> Dequeue(const std::string& worker_id, int64_t wait_ms) override;
  Status Ack(const Delivery& delivery) override;
  Result<RetryOutcome> Retry(const Delivery& delivery, int64_t delay_ms,
                             const std::string& reason) override;
  Result<RetryOutcome> Release(const Delivery& delivery, const std::string& reason,
                               int64_t delay_ms) override;
  Status Heartbeat(const Delivery& delivery) override;
  // backlog + delayed: jobs waiting for a worker (pending ones have one).
  Result<int64_t> Depth() override;
  Result<QueueStats> Stats() override;
  Status ReportWorker(const WorkerPresence& presence) override;
  Status RemoveWorker(const std::string& worker_id) override;
  Result<std::vector<WorkerPresence>> ListWorkers(int64_t max_age_ms) override;
  int64_t lease_ms() const override { return options_.lease_ms; }
  void Shutdown() override;

  // Puts back jobs the Store has waiting but Redis may have lost: all of them
  // when the dataset's generation marker is missing (a Redis restarted
  // without its data, or a fresh one), else those stranded for
  // stranded_after_ms (writes lost in the last second before a crash with
  // appendfsync everysec), once Redis has nothing else waiting. A job
  // enqueued twice is harmless: Store claims give it to one worker. Open
  // calls this once, Dequeue every reconcile_ms (one thread per process);
  // returns how many jobs were put back.
  Result<int64_t> Reconcile();
  const RedisQueueOptions& options() const { return options_; }

 private:
  RedisQueue(store::Store& store, const RedisQueueOptions& options, const Clock& clock);

  // One look: due retries into the stream, then a dead worker's entry, then a
  // new entry (blocking up to block_ms when > 0).
  Result<std::optional<Delivery>> TryTake(const std::string& worker_id, int64_t block_ms);
  // Claims the Store's next job for the entry's turn; nullopt when none was
  // claimable (the entry is acked, or kept while its own job runs elsewhere).
  Result<std::optional<Delivery>> Accept(const std::string& worker_id, const std::string& entry_id,
                                         const std::string& job_id);
  Status Promote();
  // XACK + XDEL; when `owner` is set only if that consumer still holds it.
  Status AckEntry(const std::string& entry_id, const std::string& owner);
  // Acks the entry and schedules the job's next delivery at `due`.
  Status Reschedule(const std::string& entry_id, const std::string& job_id, int64_t due);
  Status DeadLetter(const std::string& entry_id, const std::string& job_id,
                    const std::string& reason, int attempts);
  Result<Reply> Run(const std::vector<std::string>& args);
  void MaybeReconcile();

  store::Store& store_;
  const RedisQueueOptions options_;
  const Clock& clock_;
  const std::string group_, delayed_, dead_, workers_, generation_;
  RedisPool pool_;
  std::atomic<bool> shutdown_{false};
  std::atomic<int64_t> next_reconcile_at_{0};
};

}  // namespace vox::queue::redis
