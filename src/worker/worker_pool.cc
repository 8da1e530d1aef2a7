#include "worker/worker_pool.h"

#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/clock.h"
#include "obs/log.h"

namespace vox::worker {

Status WorkerPoolConfig::Validate() const {
  if (threads < 1 || threads > 256) return InvalidArgument("must be 1..256", "VOX_WORKERS");
  if (worker_id.empty()) return InvalidArgument("must not be empty", "worker_id");
  if (min_free_disk_mb < 0 || min_free_disk_mb > (int64_t{1} << 40)) {
    return InvalidArgument("must be 0 (no check) or more megabytes", "VOX_MIN_FREE_DISK_MB");
  }
  return {};
}

namespace {

Result<uint64_t> StatvfsFreeBytes(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kUnavailable, "statvfs(" + path + ") failed");
  }
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace

using store::JobStatus;

WorkerPool::WorkerPool(queue::JobQueue& queue, store::Store& store, JobRunner& runner,
                       WorkerMetrics& metrics, WorkerPoolConfig config, OnFinal on_final,
                       Housekeeping housekeeping)
    : queue_(queue),
      store_(store),
      runner_(runner),
      metrics_(metrics),
      config_(std::move(config)),
      on_final_(std::move(on_final)),
      housekeeping_(std::move(housekeeping)) {}

WorkerPool::~WorkerPool() { Drain(std::chrono::milliseconds(0)); }

void WorkerPool::Start() {
  started_at_ = last_heartbeat_ms_ = NowMs();
  for (int i = 0; i < config_.threads; ++i) threads_.emplace_back([this, i] { Loop(i); });
  presence_thread_ = std::thread([this] { ReportPresence(); });
}

queue::WorkerPresence WorkerPool::Presence() const {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return {.worker_id = config_.worker_id,
          .host = host,
          .pid = ::getpid(),
          .threads = config_.threads,
          .busy = busy_.load(),
          .started_at = started_at_,
          .last_seen_at = NowMs(),
          .jobs_finished = jobs_finished_.load()};
}

void WorkerPool::ReportPresence() {
  std::unique_lock lock(presence_mu_);
  auto next_housekeeping = std::chrono::steady_clock::now();  // once at start
  while (!stopping_) {
    lock.unlock();
    if (housekeeping_ && std::chrono::steady_clock::now() >= next_housekeeping) {
      housekeeping_();
      next_housekeeping =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.housekeeping_ms);
    }
    if (auto s = queue_.ReportWorker(Presence()); !s) {
      metrics_.errors.With({"heartbeat"}).Inc();
      spdlog::warn("worker {}: heartbeat failed: {}", config_.worker_id, s.error().ToString());
    }
    lock.lock();
    presence_cv_.wait_for(lock, std::chrono::milliseconds(config_.heartbeat_ms),
                          [this] { return stopping_.load(); });
  }
}

void WorkerPool::Drain(std::chrono::milliseconds grace) {
  stopping_ = true;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (busy_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  interrupt_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  if (presence_thread_.joinable()) {
    { std::lock_guard lock(presence_mu_); }  // the reporter is waiting or will see stopping_
    presence_cv_.notify_all();
    presence_thread_.join();
    (void)queue_.RemoveWorker(config_.worker_id);  // a clean goodbye; silence says the rest
  }
}

bool WorkerPool::DiskAllowsClaim() {
  if (config_.min_free_disk_mb <= 0 || config_.disk_path.empty()) return true;
  auto probe = config_.free_disk_bytes ? config_.free_disk_bytes : StatvfsFreeBytes;
  auto free_bytes = probe(config_.disk_path);
  if (!free_bytes) {  // cannot tell: claim as before rather than stall every worker
    metrics_.errors.With({"disk_check"}).Inc();
    return true;
  }
  metrics_.disk_free_bytes.With({}).Set(static_cast<double>(*free_bytes));
  const bool low = *free_bytes < static_cast<uint64_t>(config_.min_free_disk_mb) << 20;
  metrics_.disk_low.With({}).Set(low ? 1 : 0);
  if (disk_low_.exchange(low) != low) {
    if (low) {
      spdlog::warn("worker {}: {} MB free at {}, under VOX_MIN_FREE_DISK_MB={}: claiming no jobs",
                   config_.worker_id, *free_bytes >> 20, config_.disk_path,
                   config_.min_free_disk_mb);
    } else {
      spdlog::info("worker {}: {} MB free at {} again: claiming jobs", config_.worker_id,
                   *free_bytes >> 20, config_.disk_path);
    }
  }
  return !low;
}

void WorkerPool::Loop(int index) {
  const std::string worker_id = config_.worker_id + "-" + std::to_string(index);
  while (!stopping_) {
    last_heartbeat_ms_ = NowMs();
    if (!DiskAllowsClaim()) {  // jobs stay queued for workers with room
      std::unique_lock lock(presence_mu_);
      presence_cv_.wait_for(lock, std::chrono::milliseconds(config_.dequeue_wait_ms),
                            [this] { return stopping_.load(); });
      continue;
    }
    auto delivery = queue_.Dequeue(worker_id, config_.dequeue_wait_ms);
    if (!delivery && delivery.error().code == ErrorCode::kCanceled) break;  // queue shut down
    if (!delivery) {
      metrics_.errors.With({"dequeue"}).Inc();
      spdlog::warn("worker {}: dequeue failed: {}", worker_id, delivery.error().ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (!*delivery) continue;
    if (stopping_) {  // took one while draining: hand it straight back
      (void)queue_.Release(**delivery, "worker shutting down", 0);
      break;
    }
    ++busy_;
    RunOne(**delivery, worker_id);
    --busy_;
  }
}

void WorkerPool::RunOne(const queue::Delivery& delivery, const std::string& worker_id) {
  obs::LogContext log_context("", delivery.job_id);  // every line about this job names it
  auto job = store_.GetJob(delivery.job_id);
  if (!job) {
    if (job.error().code == ErrorCode::kNotFound) {
      (void)queue_.Ack(delivery);  // nothing to run
    } else {
      (void)queue_.Retry(delivery, 1000, job.error().message);
    }
    return;
  }
  if (store::IsTerminal(job->status)) {  // e.g. canceled while it waited
    (void)queue_.Ack(delivery);
    return;
  }
  spdlog::info("job {} picked by {} (attempt {})", job->id, worker_id, job->attempts);
  auto heartbeat = [&]() -> Status {
    if (interrupt_) return MakeError(ErrorCode::kUnavailable, "worker shutting down");
    last_heartbeat_ms_ = NowMs();
    return queue_.Heartbeat(delivery);
  };
  RunResult result = runner_.Run(*job, worker_id, heartbeat);
  switch (result.outcome) {
    case Outcome::kRetry: {
      auto retried = queue_.Retry(delivery, std::max<int64_t>(0, result.retry_at_ms - NowMs()),
                                  result.message);
      if (retried && *retried == queue::RetryOutcome::kDeadLettered && on_final_) {
        if (auto final_job = store_.GetJob(job->id)) on_final_(*final_job);
      }
      return;
    }
    case Outcome::kDeferred:  // not started: back in the queue, no attempt spent
      (void)queue_.Release(delivery, result.message,
                           std::max<int64_t>(0, result.retry_at_ms - NowMs()));
      return;
    case Outcome::kLeaseLost:
      // When we interrupted it ourselves, give it back now rather than after the lease.
      if (interrupt_) (void)queue_.Release(delivery, "requeued: worker shut down mid-job", 0);
      return;
    case Outcome::kDone:
    case Outcome::kFailed:
    case Outcome::kCanceled:
      (void)queue_.Ack(delivery);
      ++jobs_finished_;
      spdlog::info("job {} ended: {}", job->id,
                   result.outcome == Outcome::kDone ? "done" : result.message);
      if (on_final_) {
        if (auto final_job = store_.GetJob(job->id)) on_final_(*final_job);
      }
      return;
  }
}

}  // namespace vox::worker
