#include "store/audit_monitor.h"

#include <spdlog/spdlog.h>

namespace vox::store {

std::optional<bool> AuditChainMonitor::Check() {
  std::lock_guard<std::mutex> one_at_a_time(check_mu_);
  auto verdict = VerifyAuditChain(store_, cursor());
  if (!verdict) {
    spdlog::warn("audit chain not checked: {}", verdict.error().ToString());
    return valid();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (verdict->ok) {
    cursor_ = verdict->cursor;
    // Every check logs the head: anchors to compare a later chain with.
    spdlog::info("audit chain verified: {} rows, head {} (row {})", cursor_.rows, cursor_.head,
                 cursor_.last_id);
    valid_ = true;
    problem_.clear();
  } else {
    // Keep the cursor at the last row known intact, before the break.
    if (problem_ != verdict->problem) {
      spdlog::error("audit chain broken: {} (last intact head {}, row {})", verdict->problem,
                    verdict->cursor.head, verdict->cursor.last_id);
    }
    problem_ = verdict->problem;
    valid_ = false;
  }
  return valid_;
}

std::optional<bool> AuditChainMonitor::valid() const {
  std::lock_guard<std::mutex> lock(mu_);
  return valid_;
}

AuditCursor AuditChainMonitor::cursor() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cursor_;
}

void AuditChainMonitor::Start(std::chrono::milliseconds interval) {
  Stop();
  thread_ = std::jthread([this, interval](std::stop_token stop) {
    while (!stop.stop_requested()) {
      Check();
      std::unique_lock<std::mutex> lock(run_mu_);
      wake_.wait_for(lock, stop, interval, [&stop] { return stop.stop_requested(); });
    }
  });
}

void AuditChainMonitor::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace vox::store
