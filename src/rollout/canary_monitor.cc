#include "rollout/canary_monitor.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "rollout/canary_choice.h"

namespace vox::rollout {
namespace {

Result<int64_t> EnvInt(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (*end != '\0') return InvalidArgument("must be an integer", name);
  return v;
}

}  // namespace

Status CanaryPolicy::Validate() const {
  if (min_jobs < 1 || min_jobs > 1'000'000) {
    return InvalidArgument("must be 1..1000000", "VOX_CANARY_MIN_JOBS");
  }
  if (check_interval_s < 1 || check_interval_s > 86'400) {
    return InvalidArgument("must be 1..86400", "VOX_CANARY_CHECK_S");
  }
  return {};
}

Result<CanaryPolicy> CanaryPolicy::FromEnv() {
  CanaryPolicy p;
  VOX_ASSIGN_OR_RETURN(p.min_jobs, EnvInt("VOX_CANARY_MIN_JOBS", p.min_jobs));
  VOX_ASSIGN_OR_RETURN(int64_t interval, EnvInt("VOX_CANARY_CHECK_S", p.check_interval_s));
  // Out of int's range reads as 0, which Validate() refuses.
  p.check_interval_s = interval >= 1 && interval <= 86'400 ? static_cast<int>(interval) : 0;
  VOX_RETURN_IF_ERROR(p.Validate());
  return p;
}

Result<std::vector<Rollback>> CheckCanaries(store::Store& store, const CanaryPolicy& policy) {
  VOX_ASSIGN_OR_RETURN(auto models, store.ListModels(std::nullopt));
  std::vector<Rollback> done;
  for (const store::Model& canary : models) {
    if (canary.rollout != store::Rollout::kCanary || canary.canary_weight == 0) continue;
    Rollback r{canary.name, canary.version, {}, {}};
    VOX_ASSIGN_OR_RETURN(r.canary, store.CountModelOutcomes(ModelVersionOf(canary)));
    if (r.canary.total() < policy.min_jobs) continue;
    for (const store::Model& m : models) {
      if (m.name == canary.name && m.rollout == store::Rollout::kStable) {
        VOX_ASSIGN_OR_RETURN(r.stable, store.CountModelOutcomes(ModelVersionOf(m)));
      }
    }
    if (r.canary.error_rate() <= r.stable.error_rate()) continue;
    VOX_RETURN_IF_ERROR(
        store.SetModelRollout(canary.name, canary.version, store::Rollout::kRetired, 0));
    store::AuditEvent audit;
    audit.action = "model.rollback";
    audit.target_type = "model";
    audit.target_id = canary.name + "@" + canary.version;
    audit.detail = nlohmann::json{{"weight", canary.canary_weight},
                                  {"canary_jobs", r.canary.total()},
                                  {"canary_error_rate", r.canary.error_rate()},
                                  {"stable_jobs", r.stable.total()},
                                  {"stable_error_rate", r.stable.error_rate()}}
                       .dump();
    VOX_RETURN_IF_ERROR(store.AppendAudit(std::move(audit)));
    spdlog::warn("canary {}@{} rolled back: error rate {:.3f} over {} jobs, stable {:.3f}",
                 canary.name, canary.version, r.canary.error_rate(), r.canary.total(),
                 r.stable.error_rate());
    done.push_back(std::move(r));
  }
  return done;
}

CanaryMonitor::CanaryMonitor(store::Store& store, CanaryPolicy policy)
    : store_(store), policy_(policy), thread_([this] { Loop(); }) {}

CanaryMonitor::~CanaryMonitor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CanaryMonitor::Loop() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, std::chrono::seconds(policy_.check_interval_s),
                         [this] { return stop_; })) {
    lock.unlock();
    if (auto checked = CheckCanaries(store_, policy_); !checked) {
      spdlog::warn("canary check failed: {}", checked.error().ToString());
    }
    lock.lock();
  }
}

}  // namespace vox::rollout
