// Automatic rollback: a canary whose jobs fail more often than its stable
// version's (once it has run a minimum number of jobs) is retired with weight
// 0 and the rollback is audited ("model.rollback").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace vox::rollout {

struct CanaryPolicy {
  int64_t min_jobs = 20;      // VOX_CANARY_MIN_JOBS: finished canary jobs before judging
  int check_interval_s = 30;  // VOX_CANARY_CHECK_S: how often a server checks

  Status Validate() const;  // names the variable
  static Result<CanaryPolicy> FromEnv();
};

struct Rollback {
  std::string name;
  std::string version;
  store::ModelOutcomes canary;
  store::ModelOutcomes stable;
};

// Judges every canary with a weight once; returns those it rolled back.
Result<std::vector<Rollback>> CheckCanaries(store::Store& store, const CanaryPolicy& policy);

// CheckCanaries every policy.check_interval_s on a thread of its own, until
// destroyed. Several processes may run one: a rollback is a plain state
// change, and one that finds the canary already gone does nothing.
class CanaryMonitor {
 public:
  CanaryMonitor(store::Store& store, CanaryPolicy policy);
  ~CanaryMonitor();

 private:
  void Loop();

  store::Store& store_;
  const CanaryPolicy policy_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace vox::rollout
