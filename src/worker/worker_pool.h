// WorkerPool: N threads that take jobs from the queue and run them.
//
// Drain (SIGTERM): stop taking jobs, let running ones finish within the grace
// period, then interrupt the rest and put them back in the queue, so nothing
// accepted is lost and another worker (or this one, restarted) picks them up.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "queue/job_queue.h"
#include "store/store.h"
#include "worker/job_runner.h"
#include "worker/worker_metrics.h"

namespace vox::worker {

struct WorkerPoolConfig {
  int threads = 2;              // VOX_WORKERS; default: the number of cores
  std::string worker_id = "w";  // unique per process; thread index appended
  int dequeue_wait_ms = 1000;
  // How often the process reports itself to the queue (JobQueue::ReportWorker).
  int heartbeat_ms = 2000;
  int housekeeping_ms = 15000;
  // A worker claims no job while the file system holding `disk_path` (its
  // temp/data directory; empty: not checked) has less than this free: a job
  // that cannot write its audio would only fail. 0 disables the check.
  std::string disk_path;
  int64_t min_free_disk_mb = 512;  // VOX_MIN_FREE_DISK_MB
  // Free bytes at a path; default statvfs. Tests inject a fake.
  std::function<Result<uint64_t>(const std::string&)> free_disk_bytes;

  Status Validate() const;  // errors name the VOX_* setting
};

class WorkerPool {
 public:
  // Called after a job reaches a final state (webhooks hang off this).
  using OnFinal = std::function<void(const store::Job&)>;

  // Run every `housekeeping_ms` on the presence thread (sweeps of work no
  // process finished, e.g. voice creations whose job the queue failed).
  using Housekeeping = std::function<void()>;

  WorkerPool(queue::JobQueue& queue, store::Store& store, JobRunner& runner, WorkerMetrics& metrics,
             WorkerPoolConfig config, OnFinal on_final = {}, Housekeeping housekeeping = {});
  ~WorkerPool();

  void Start();
  // Stops taking jobs and waits up to `grace` for running ones; past it,
  // running jobs are interrupted and requeued. Returns when all threads ended.
  void Drain(std::chrono::milliseconds grace);

  // Milliseconds since the Unix epoch of the last loop iteration of any
  // thread (0 before Start): /readyz and the heartbeat metric use it.
  int64_t last_heartbeat_ms() const { return last_heartbeat_ms_.load(); }
  int busy() const { return busy_.load(); }
  // Whether the last check found less than min_free_disk_mb free (no claims
  // meanwhile); /readyz reports it and vox_worker_disk_low exports it.
  bool disk_low() const { return disk_low_.load(); }
  // What this process reports to the queue on each heartbeat.
  queue::WorkerPresence Presence() const;

 private:
  void Loop(int index);
  void ReportPresence();
  void RunOne(const queue::Delivery& delivery, const std::string& worker_id);
  // Checks free disk before a claim; false (logged once per episode) when low.
  bool DiskAllowsClaim();

  queue::JobQueue& queue_;
  store::Store& store_;
  JobRunner& runner_;
  WorkerMetrics& metrics_;
  const WorkerPoolConfig config_;
  OnFinal on_final_;
  Housekeeping housekeeping_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> interrupt_{false};
  std::atomic<int64_t> last_heartbeat_ms_{0};
  std::atomic<int> busy_{0};
  std::atomic<bool> disk_low_{false};
  std::atomic<int64_t> jobs_finished_{0};
  int64_t started_at_ = 0;
  std::vector<std::thread> threads_;
  std::thread presence_thread_;
  std::mutex presence_mu_;
  std::condition_variable presence_cv_;
};

}  // namespace vox::worker
