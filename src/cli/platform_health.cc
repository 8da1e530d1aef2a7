#include "cli/platform_health.h"

#include <algorithm>

namespace vox::cli {

std::vector<api::ReadinessCheck> ReadinessChecks(store::Store& store, blob::BlobStore& blobs,
                                                 queue::JobQueue& queue,
                                                 const engines::EngineRegistry& engines,
                                                 const worker::WorkerPool* own_pool) {
  std::vector<api::ReadinessCheck> checks = {
      {"database", [&store] { return store.Ping(); }},
      {"storage", [&blobs] { return blobs.Ping(); }},
      {"queue", [&queue]() -> Status {
         VOX_RETURN_IF_ERROR(queue.Depth());
         return {};
       }},
      {"engines", [&engines]() -> Status {
         if (engines.ListVoices().empty()) return Unavailable("no voices loaded");
         return {};
       }}};
  api::ReadinessCheck workers;
  workers.name = "workers";
  workers.required = own_pool != nullptr;
  workers.check = [&queue, own_pool]() -> Status {
    if (own_pool && NowMs() - own_pool->last_heartbeat_ms() > 10 * 60'000) {
      return Unavailable("workers have not checked in for 10 minutes");
    }
    if (own_pool && own_pool->disk_low()) {
      return Unavailable("free disk is under VOX_MIN_FREE_DISK_MB: this process claims no jobs");
    }
    VOX_ASSIGN_OR_RETURN(auto live, queue.ListWorkers(kWorkerSilenceMs));
    if (live.empty()) return Unavailable("no live workers: jobs wait queued until one starts");
    return {};
  };
  workers.detail = [&queue]() -> nlohmann::json {
    auto live = queue.ListWorkers(kWorkerSilenceMs);
    nlohmann::json list = nlohmann::json::array();
    if (live) {
      const int64_t now = NowMs();
      for (const auto& w : *live) {
        auto j = w.ToJson();
        j["seconds_since_heartbeat"] = static_cast<double>(now - w.last_seen_at) / 1000.0;
        list.push_back(std::move(j));
      }
    }
    return {{"live", list.size()}, {"workers", list}};
  };
  checks.push_back(std::move(workers));
  return checks;
}

void RegisterQueueMetrics(obs::Registry& metrics, queue::JobQueue& queue) {
  auto& jobs = metrics.AddGauge("vox_queue_jobs",
                                "Jobs in the queue by state: backlog (waiting), pending "
                                "(delivered, not acked), delayed (retry), dead (dead-lettered).",
                                {"state"});
  auto& live = metrics.AddGauge("vox_workers_live", "Worker processes seen in the last 10 s.");
  auto& threads = metrics.AddGauge("vox_worker_threads", "Worker threads of live workers.",
                                   {"state"});
  auto& age = metrics.AddGauge("vox_worker_heartbeat_age_seconds",
                               "Seconds since the quietest live worker reported.");
  metrics.AddCollector([&jobs, &live, &threads, &age, &queue] {
    if (auto s = queue.Stats()) {
      jobs.With({"backlog"}).Set(static_cast<double>(s->backlog));
      jobs.With({"pending"}).Set(static_cast<double>(s->pending));
      jobs.With({"delayed"}).Set(static_cast<double>(s->delayed));
      jobs.With({"dead"}).Set(static_cast<double>(s->dead));
    }
    if (auto workers = queue.ListWorkers(kWorkerSilenceMs)) {
      int total = 0, busy = 0;
      int64_t oldest = NowMs();
      for (const auto& w : *workers) {
        total += w.threads;
        busy += w.busy;
        oldest = std::min(oldest, w.last_seen_at);
      }
      live.With({}).Set(static_cast<double>(workers->size()));
      threads.With({"busy"}).Set(busy);
      threads.With({"idle"}).Set(total - busy);
      age.With({}).Set(workers->empty() ? 0.0 : static_cast<double>(NowMs() - oldest) / 1000.0);
    }
  });
}

void RegisterAuditChainMetrics(obs::Registry& metrics, const store::AuditChainMonitor& monitor) {
  auto& valid = metrics.AddGauge(
      "vox_audit_chain_valid",
      "1 while the audit log's hash chain verifies (all of it at start, then the rows appended "
      "since each check); 0 once a check found a row edited, deleted or reordered.");
  auto& rows = metrics.AddGauge("vox_audit_chain_rows", "Audit rows verified in the chain.");
  // The head as a label: the anchor an operator keeps and gives to `vox audit verify --anchor`
  // (rows cut from the end or rewritten wholesale show only against an earlier head). One series
  // at a time, a new one per check that saw new rows (VOX_AUDIT_VERIFY_INTERVAL_S).
  auto& head = metrics.AddInfo(
      "vox_audit_chain_head_info",
      "The newest audit row verified in the hash chain (its hash and id), 1; absent before the "
      "first check. Once the chain broke, the last intact row.",
      {"hash", "row"});
  metrics.AddCollector([&valid, &rows, &head, &monitor] {
    auto ok = monitor.valid();
    if (ok) valid.With({}).Set(*ok ? 1 : 0);
    const store::AuditCursor cursor = monitor.cursor();
    rows.With({}).Set(static_cast<double>(cursor.rows));
    if (ok) head.Set({cursor.head, std::to_string(cursor.last_id)});
  });
}

}  // namespace vox::cli
