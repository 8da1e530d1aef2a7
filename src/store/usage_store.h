// UsageStore: plans (what a user may use) and the usage table (what they used).
// Thread-safe; errors as in store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/usage_types.h"

namespace vox::store {

class UsageStore {
 public:
  virtual ~UsageStore() = default;

  // --- plans ---------------------------------------------------------------
  // Creates the plan or replaces its limits (created_at kept); returns it as stored.
  virtual Result<Plan> UpsertPlan(Plan plan) = 0;
  // kNotFound when no plan has this name.
  virtual Result<Plan> GetPlan(const std::string& name) = 0;
  virtual Result<std::vector<Plan>> ListPlans() = 0;  // by name

  // --- usage ---------------------------------------------------------------
  // Adds `delta`'s characters, audio seconds and requests to its row (day, user,
  // project, key, route, voice kind), creating the row at zero first. Atomic:
  // concurrent adds from several processes all count.
  virtual Status AddUsage(const UsageDelta& delta) = 0;
  // AddUsage of charge.delta when it fits its quota; otherwise kResourceExhausted
  // (field kQuotaRefusalField) and nothing is written. The sum and the add are
  // one step for every process sharing the database (the user's lock, as
  // JobStore::CreateJobCapped), so a burst of charges cannot pass it together.
  virtual Status AddUsageCapped(const QuotaCharge& charge) = 0;
  // `user_id`'s rows for days in [from_day, to_day] ("YYYY-MM-DD"), by day then
  // project, key, route, voice kind.
  virtual Result<std::vector<UsageRow>> ListUsage(const std::string& user_id,
                                                  const std::string& from_day,
                                                  const std::string& to_day) = 0;
  // Characters `user_id` used in days [from_day, to_day]: the quota's figure.
  virtual Result<int64_t> SumCharacters(const std::string& user_id, const std::string& from_day,
                                        const std::string& to_day) = 0;
  // Synthesis jobs of `user_id` accepted and not ended (queued or running):
  // the plan's concurrency bound.
  virtual Result<int64_t> CountJobsInFlight(const std::string& user_id) = 0;
};

}  // namespace vox::store
