#include "queue/redis/redis_queue.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

#include "queue/job_transitions.h"
#include "queue/redis/redis_scripts.h"

namespace vox::queue::redis {

using namespace ::vox::redis;  // the Redis adapter: connections and reply helpers

using store::Job;
using store::JobStatus;
using store::JobTransition;

namespace {

// The `job` field of a stream entry [id, [field, value, ...]].
std::string JobField(const redisReply* entry) {
  const redisReply* fields = Element(entry, 1);
  for (size_t i = 0; i + 1 < ArraySize(fields); i += 2) {
    if (Str(Element(fields, i)) == "job") return Str(Element(fields, i + 1));
  }
  return "";
}

}  // namespace

RedisQueue::RedisQueue(store::Store& store, const RedisQueueOptions& options, const Clock& clock)
    : store_(store),
      options_(options),
      clock_(clock),
      group_(options.stream + ":workers"),
      delayed_(options.stream + ":delayed"),
      dead_(options.stream + ":dead"),
      workers_(options.stream + ":workers-seen"),
      generation_(options.stream + ":generation"),
      pool_(options.endpoint, 16, [this](RedisConnection& c) -> Status {
        // Every new connection makes sure the group exists: after Redis lost
        // its data (no AOF), the queue heals instead of failing with NOGROUP.
        auto r = c.Command({"XGROUP", "CREATE", options_.stream, group_, "0", "MKSTREAM"});
        if (!r && !r.error().message.starts_with("BUSYGROUP")) return std::unexpected(r.error());
        return {};
      }) {}

Result<std::unique_ptr<RedisQueue>> RedisQueue::Open(store::Store& store,
                                                     const RedisQueueOptions& options,
                                                     const Clock& clock) {
  if (options.lease_ms <= 0) return InvalidArgument("lease_ms must be positive", "VOX_QUEUE_URL");
  if (options.poll_ms <= 0) return InvalidArgument("poll_ms must be positive", "VOX_QUEUE_URL");
  std::unique_ptr<RedisQueue> q(new RedisQueue(store, options, clock));
  VOX_RETURN_IF_ERROR(q->Run({"PING"}));  // fail fast on a wrong URL
  // Every process, API or worker, checks the dataset once at start.
  if (options.reconcile_ms > 0) VOX_RETURN_IF_ERROR(q->Reconcile());
  return q;
}

Result<Reply> RedisQueue::Run(const std::vector<std::string>& args) {
  return pool_.With<Reply>([&](RedisConnection& c) { return c.Command(args); });
}

Status RedisQueue::Enqueue(const std::string& job_id) {
  VOX_RETURN_IF_ERROR(Run({"XADD", options_.stream, "*", "job", job_id}));
  return {};
}

Status RedisQueue::Promote() {
  VOX_RETURN_IF_ERROR(Run({"EVAL", scripts::kPromote, "2", delayed_, options_.stream,
                           std::to_string(clock_.NowMs()), "100"}));
  return {};
}

Status RedisQueue::AckEntry(const std::string& entry_id, const std::string& owner) {
  VOX_RETURN_IF_ERROR(Run({"EVAL", scripts::kAck, "1", options_.stream, group_, entry_id, owner}));
  return {};
}

Status RedisQueue::Reschedule(const std::string& entry_id, const std::string& job_id, int64_t due) {
  VOX_RETURN_IF_ERROR(Run({"EVAL", scripts::kReschedule, "2", options_.stream, delayed_, group_,
                           entry_id, job_id, std::to_string(due), std::to_string(clock_.NowMs())}));
  return {};
}

Status RedisQueue::DeadLetter(const std::string& entry_id, const std::string& job_id,
                              const std::string& reason, int attempts) {
  VOX_RETURN_IF_ERROR(Run({"EVAL", scripts::kDeadLetter, "2", options_.stream, dead_, group_,
                           entry_id, job_id, reason, std::to_string(attempts)}));
  return {};
}

Result<std::optional<Delivery>> RedisQueue::Accept(const std::string& worker_id,
                                                   const std::string& entry_id,
                                                   const std::string& job_id) {
  if (job_id.empty()) {  // not ours: an entry without a job field
    VOX_RETURN_IF_ERROR(AckEntry(entry_id, ""));
    return std::optional<Delivery>();
  }
  const int64_t now = clock_.NowMs();
  // Fairness: an entry is a turn to run one job, not necessarily its own. The
  // Store picks which (a dead worker's job first, then in fair order across
  // users), so one user's burst in the stream cannot hold another user's job
  // back. Each queued job has one entry, so entries and jobs stay in balance:
  // the job this entry names is claimed later with another job's entry.
  VOX_ASSIGN_OR_RETURN(std::optional<Job> job,
                       store_.ClaimNextJob(worker_id, options_.lease_ms, now));
  if (job) {
    if (job->attempts <= job->max_attempts) {
      return Delivery{job->id, entry_id, job->attempts, worker_id};
    }
    // Every earlier delivery died holding the lease: stop feeding it to workers.
    JobTransition fail;
    fail.job_id = job->id;
    fail.allowed_from = {JobStatus::kPicked};
    fail.to = JobStatus::kFailed;
    fail.at = now;
    fail.lease_owner = worker_id;
    fail.error_code = "attempts_exhausted";
    fail.error_message = "gave up after " + std::to_string(job->max_attempts) +
                         " deliveries; the worker never finished the job";
    fail.message = *fail.error_message;
    VOX_RETURN_IF_ERROR(store_.TransitionJob(fail));
    VOX_RETURN_IF_ERROR(DeadLetter(entry_id, job->id, *fail.error_message, job->attempts));
    return std::optional<Delivery>();
  }
  auto stored = store_.GetJob(job_id);
  if (!stored && stored.error().code != ErrorCode::kNotFound)
    return std::unexpected(stored.error());
  // A job that is gone, finished, or waiting for a delayed retry (whose own
  // entry is in the delayed set) needs nothing from this entry. A running
  // job whose lease is still alive keeps its entry pending: its holder acks
  // it, or it is reclaimed again later if that holder dies.
  if (!stored || store::IsTerminal(stored->status) || stored->status == JobStatus::kQueued) {
    VOX_RETURN_IF_ERROR(AckEntry(entry_id, ""));
  }
  return std::optional<Delivery>();
}

Result<std::optional<Delivery>> RedisQueue::TryTake(const std::string& worker_id,
                                                    int64_t block_ms) {
  VOX_RETURN_IF_ERROR(Promote());
  // Dead workers' entries first: they have waited longest. The margin keeps
  // Redis's idle clock (started at delivery) from beating the Store's lease
  // (started a moment later, at the claim).
  const std::string min_idle = std::to_string(options_.lease_ms + options_.lease_ms / 20 + 5);
  std::string cursor = "0-0";
  for (int page = 0; page < 100; ++page) {
    VOX_ASSIGN_OR_RETURN(Reply r, Run({"XAUTOCLAIM", options_.stream, group_, worker_id, min_idle,
                                       cursor, "COUNT", "1"}));
    cursor = Str(Element(r.get(), 0));
    const redisReply* entries = Element(r.get(), 1);
    for (size_t i = 0; i < ArraySize(entries); ++i) {
      const redisReply* e = Element(entries, i);
      if (IsNil(e)) continue;  // deleted meanwhile (Redis 6.2 reports nil)
      VOX_ASSIGN_OR_RETURN(auto d, Accept(worker_id, Str(Element(e, 0)), JobField(e)));
      if (d) return d;
    }
    if (cursor.empty() || cursor == "0-0") break;
  }

  std::vector<std::string> args = {"XREADGROUP", "GROUP", group_, worker_id, "COUNT", "1"};
  if (block_ms > 0) {
    args.push_back("BLOCK");
    args.push_back(std::to_string(block_ms));
  }
  args.insert(args.end(), {"STREAMS", options_.stream, ">"});
  VOX_ASSIGN_OR_RETURN(Reply r, Run(args));
  // [[stream, [[id, [field, value]]]]] or nil on timeout.
  const redisReply* entries = Element(Element(r.get(), 0), 1);
  for (size_t i = 0; i < ArraySize(entries); ++i) {
    const redisReply* e = Element(entries, i);
    VOX_ASSIGN_OR_RETURN(auto d, Accept(worker_id, Str(Element(e, 0)), JobField(e)));
    if (d) return d;
  }
  return std::optional<Delivery>();
}

Result<std::optional<Delivery>> RedisQueue::Dequeue(const std::string& worker_id, int64_t wait_ms) {
  if (worker_id.empty()) return InvalidArgument("a dequeue needs a worker id", "worker_id");
  using Steady = std::chrono::steady_clock;
  const auto deadline = Steady::now() + std::chrono::milliseconds(std::max<int64_t>(0, wait_ms));
  while (true) {
    if (shutdown_) return MakeError(ErrorCode::kCanceled, "queue is shutting down");
    MaybeReconcile();
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
    // Stay well inside the socket timeout, which a blocking read counts against.
    int64_t block = std::clamp<int64_t>(
        remaining, 0, std::min(options_.poll_ms, options_.endpoint.io_timeout_ms / 2));
    VOX_ASSIGN_OR_RETURN(std::optional<Delivery> d, TryTake(worker_id, block));
    if (d) return d;
    if (Steady::now() >= deadline) return std::optional<Delivery>();
  }
}

Status RedisQueue::Ack(const Delivery& delivery) {
  VOX_RETURN_IF_ERROR(store_.ReleaseLease(delivery.job_id, delivery.worker_id));
  return AckEntry(delivery.delivery_id, delivery.worker_id);
}

Result<RetryOutcome> RedisQueue::Retry(const Delivery& delivery, int64_t delay_ms,
                                       const std::string& reason) {
  VOX_ASSIGN_OR_RETURN(Job job, store_.GetJob(delivery.job_id));
  const int64_t now = clock_.NowMs();
  const int64_t delay = std::max<int64_t>(0, delay_ms);
  const bool exhausted = AttemptsExhausted(job);
  JobTransition t = RetryTransition(delivery, job, delay_ms, reason, now);
  VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
  if (!moved) {
    // Canceled, or no longer ours: end this entry only if we still hold it.
    VOX_RETURN_IF_ERROR(AckEntry(delivery.delivery_id, delivery.worker_id));
    return RetryOutcome::kDropped;
  }
  if (exhausted) {
    VOX_RETURN_IF_ERROR(DeadLetter(delivery.delivery_id, delivery.job_id, reason, job.attempts));
    return RetryOutcome::kDeadLettered;
  }
  // If Redis is down now, the job is queued in the Store but not scheduled
  // here; the old entry stays pending and is reclaimed after the lease, and
  // the Store's claims honour next_attempt_at, so the delay still holds.
  VOX_RETURN_IF_ERROR(Reschedule(delivery.delivery_id, delivery.job_id, now + delay));
  return RetryOutcome::kRequeued;
}

Result<RetryOutcome> RedisQueue::Release(const Delivery& delivery, const std::string& reason,
                                         int64_t delay_ms) {
  const int64_t now = clock_.NowMs();
  JobTransition t = ReleaseTransition(delivery, reason, now, delay_ms);
  VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
  if (!moved) {
    VOX_RETURN_IF_ERROR(AckEntry(delivery.delivery_id, delivery.worker_id));
    return RetryOutcome::kDropped;
  }
  VOX_RETURN_IF_ERROR(Reschedule(delivery.delivery_id, delivery.job_id, *t.next_attempt_at));
  return RetryOutcome::kRequeued;
}

Status RedisQueue::Heartbeat(const Delivery& delivery) {
  VOX_RETURN_IF_ERROR(
      store_.ExtendLease(delivery.job_id, delivery.worker_id, clock_.NowMs() + options_.lease_ms));
  // Reset the entry's idle time so XAUTOCLAIM leaves it alone (JUSTID: this
  // is not a new delivery, so the delivery counter stays).
  VOX_RETURN_IF_ERROR(Run({"XCLAIM", options_.stream, group_, delivery.worker_id, "0",
                           delivery.delivery_id, "JUSTID"}));
  return {};
}

Result<QueueStats> RedisQueue::Stats() {
  VOX_ASSIGN_OR_RETURN(
      Reply r, Run({"EVAL", scripts::kStats, "3", options_.stream, delayed_, dead_, group_}));
  return QueueStats{Int(Element(r.get(), 0)), Int(Element(r.get(), 1)), Int(Element(r.get(), 2)),
                    Int(Element(r.get(), 3))};
}

Result<int64_t> RedisQueue::Depth() {
  VOX_ASSIGN_OR_RETURN(QueueStats s, Stats());
  return s.backlog + s.delayed;
}

Status RedisQueue::ReportWorker(const WorkerPresence& presence) {
  VOX_RETURN_IF_ERROR(Run({"HSET", workers_, presence.worker_id, presence.ToJson().dump()}));
  return {};
}

Status RedisQueue::RemoveWorker(const std::string& worker_id) {
  VOX_RETURN_IF_ERROR(Run({"HDEL", workers_, worker_id}));
  return {};
}

Result<std::vector<WorkerPresence>> RedisQueue::ListWorkers(int64_t max_age_ms) {
  VOX_ASSIGN_OR_RETURN(Reply r, Run({"HGETALL", workers_}));
  const int64_t now = clock_.NowMs();
  // Workers killed without a goodbye are forgotten after a day of silence.
  const int64_t forget_before = now - std::max<int64_t>(max_age_ms, 86'400'000);
  std::vector<WorkerPresence> live;
  for (size_t i = 0; i + 1 < ArraySize(r.get()); i += 2) {
    auto presence = WorkerPresence::FromJson(
        nlohmann::json::parse(Str(Element(r.get(), i + 1)), nullptr, /*allow_exceptions=*/false));
    if (!presence || presence->last_seen_at < forget_before) {
      VOX_RETURN_IF_ERROR(Run({"HDEL", workers_, Str(Element(r.get(), i))}));
    } else if (now - presence->last_seen_at <= max_age_ms) {
      live.push_back(std::move(*presence));
    }
  }
  return live;
}

void RedisQueue::MaybeReconcile() {
  if (options_.reconcile_ms <= 0) return;
  const int64_t now = clock_.NowMs();
  int64_t due = next_reconcile_at_.load();
  if (now < due || !next_reconcile_at_.compare_exchange_strong(due, now + options_.reconcile_ms)) {
    return;  // not yet, or another thread of this process took this round
  }
  auto put_back = Reconcile();
  if (!put_back) {
    spdlog::warn("queue reconcile failed: {}", put_back.error().ToString());
  } else if (*put_back > 0) {
    spdlog::warn("queue reconcile: put {} job(s) back that Redis had lost", *put_back);
  }
}

Result<int64_t> RedisQueue::Reconcile() {
  const int64_t now = clock_.NowMs();
  // SET NX succeeds only where the marker is missing: this dataset is new to
  // Vox, so anything the Store still has waiting or running may be missing.
  VOX_ASSIGN_OR_RETURN(Reply fresh, Run({"SET", generation_, std::to_string(now), "NX"}));
  const bool lost_everything = !IsNil(fresh.get());
  int64_t due_by = now - options_.stranded_after_ms;
  int64_t expired_before = now - options_.stranded_after_ms;
  if (lost_everything) {
    due_by = std::numeric_limits<int64_t>::max();
    expired_before = now;
  } else {
    // While Redis still has jobs waiting, a long wait is a backlog, not a
    // loss; strays are put back once it has drained.
    VOX_ASSIGN_OR_RETURN(QueueStats stats, Stats());
    if (stats.backlog > 0 || stats.delayed > 0) return 0;
  }
  constexpr int kBatch = 10'000;
  VOX_ASSIGN_OR_RETURN(auto ids, store_.ListStrandedJobs(due_by, expired_before, kBatch));
  for (const auto& id : ids) {
    auto job = store_.GetJob(id);
    if (!job) continue;  // deleted meanwhile
    if (job->status == JobStatus::kQueued && job->next_attempt_at > now) {
      VOX_RETURN_IF_ERROR(Run({"ZADD", delayed_, std::to_string(job->next_attempt_at), job->id}));
    } else {
      VOX_RETURN_IF_ERROR(Enqueue(id));
    }
  }
  return static_cast<int64_t>(ids.size());
}

void RedisQueue::Shutdown() { shutdown_ = true; }

}  // namespace vox::queue::redis
