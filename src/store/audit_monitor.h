// AuditChainMonitor: a server's watch on the audit hash chain. The first
// check verifies the whole chain; later ones only the rows appended since
// (from the last verified row and hash, which must still be there), so a
// check costs what was appended, not the table. Each check logs the head
// hash, so the logs keep anchors that show truncation or a wholesale rewrite
// (audit_verify.h). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "store/account_store.h"
#include "store/audit_verify.h"

namespace vox::store {

class AuditChainMonitor {
 public:
  explicit AuditChainMonitor(AccountStore& store) : store_(store) {}
  ~AuditChainMonitor() { Stop(); }
  AuditChainMonitor(const AuditChainMonitor&) = delete;
  AuditChainMonitor& operator=(const AuditChainMonitor&) = delete;

  // Verifies what was appended since the last check. A store error leaves
  // the verdict as it was (logged, not a broken chain). Returns valid().
  std::optional<bool> Check();

  // nullopt before the first check completes; then whether the chain held.
  // Once broken it stays broken: later checks start again from the last
  // intact row, so they fail the same way until the rows are restored.
  std::optional<bool> valid() const;
  AuditCursor cursor() const;

  // Check() now, then every `interval` on a thread of its own, until Stop().
  void Start(std::chrono::milliseconds interval);
  void Stop();

 private:
  AccountStore& store_;
  mutable std::mutex mu_;
  AuditCursor cursor_;
  std::optional<bool> valid_;
  std::string problem_;  // the last failure, logged once

  std::mutex check_mu_;  // one check at a time (the thread and direct callers)
  std::mutex run_mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace vox::store
