// What a running platform process says about its dependencies and workers:
// the /readyz checks and the queue, worker and audit chain gauges in /metrics.
#pragma once

#include <vector>

#include "api/api_server.h"
#include "blob/blob_store.h"
#include "engines/engine_registry.h"
#include "obs/metrics.h"
#include "queue/job_queue.h"
#include "store/audit_monitor.h"
#include "store/store.h"
#include "worker/worker_pool.h"

namespace vox::cli {

// A worker that has not reported for this long is taken for dead.
inline constexpr int64_t kWorkerSilenceMs = 10'000;

// Database, storage, queue and engines must answer. The workers check shows
// every live worker process; it is required only where `own_pool` is given
// (the embedded shape, whose own threads must not be stuck), since an API
// process without workers still accepts jobs.
std::vector<api::ReadinessCheck> ReadinessChecks(store::Store& store, blob::BlobStore& blobs,
                                                 queue::JobQueue& queue,
                                                 const engines::EngineRegistry& engines,
                                                 const worker::WorkerPool* own_pool);

// vox_queue_jobs{state}, vox_workers_live and the workers' busy and total
// threads, read from the queue at each scrape.
void RegisterQueueMetrics(obs::Registry& metrics, queue::JobQueue& queue);

// vox_audit_chain_valid (1/0, absent before the first check),
// vox_audit_chain_rows and vox_audit_chain_head_info{hash,row} (absent before the
// first check), from the monitor's last check.
void RegisterAuditChainMetrics(obs::Registry& metrics, const store::AuditChainMonitor& monitor);

}  // namespace vox::cli
