// UsageMeter: plans enforced and usage charged, for every front end.
//
// A user's plan is the `plans` row named by users.plan; a user whose plan has
// no row is not limited (the "free" and "admin" plans of existing users). A
// limit of 0 is no limit. Over the month's characters is quota_exceeded, over
// the plan's concurrency (queued + running synthesis jobs) is rate_limited, and
// either leaves nothing stored.
//
// Each limit is checked and taken in one step of the store, at acceptance: a
// job's charge and place are taken by its insert (JobStore::CreateJobCapped), a
// stream's characters by UsageStore::AddUsageCapped, so a burst of requests
// through any number of API processes never passes a limit. Users and plans are
// cached for `cache_ttl_ms` (a plan change reaches every process within that time).
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/authenticator.h"
#include "common/clock.h"
#include "store/store.h"
#include "store/usage_tags.h"

namespace vox::api {

// The calendar month (UTC) holding a moment: the quota's period.
struct UsagePeriod {
  int64_t start_ms = 0;             // first instant of the month
  int64_t resets_ms = 0;            // first instant of the next month
  std::string first_day, last_day;  // "YYYY-MM-DD", inclusive
  static UsagePeriod Of(int64_t unix_ms);
};

class UsageMeter {
 public:
  explicit UsageMeter(store::Store& store, const Clock& clock = Clock::System(),
                      int64_t cache_ttl_ms = 30'000)
      : store_(store), clock_(clock), cache_ttl_ms_(cache_ttl_ms) {}

  // The plan of `user_id`; nullopt when it has no limits.
  Result<std::optional<store::Plan>> PlanOf(const std::string& user_id);

  // What a job of `who` is accepted under: its charge (characters, and the
  // audio seconds of a cache hit, on `tags`' row) under the plan's monthly
  // characters, and the plan's concurrency. The store holds both in the job's
  // insert (JobStore::CreateJobCapped).
  struct Admission {
    store::QuotaCharge charge;
    std::string plan;         // its name, for the messages; "" when unlimited
    int64_t concurrency = 0;  // the plan's bound on jobs in flight; 0: none
    // The bound the store holds: the tighter of the plan's and `server_cap`
    // (VOX_MAX_QUEUED_JOBS_PER_USER); <= 0: none.
    int64_t MaxInFlight(int64_t server_cap) const;
  };
  Result<Admission> Admit(const Principal& who, const store::UsageTags& tags, int64_t characters,
                          double audio_seconds);
  // The 429 of a job the store refused (kResourceExhausted) under
  // admission.MaxInFlight(server_cap): QuotaExceeded over the quota,
  // RateLimited over the plan's concurrency; nullopt when the server's own
  // bound was the one (the caller's 429).
  std::optional<Error> Refusal(const Admission& admission, const Error& refused,
                               int64_t server_cap);
  // Takes back a job's charge (its job failed at once: the queue was down).
  void Refund(const Admission& admission);
  // The cloned voices the user's plan keeps (processing or ready); 0: no bound.
  Result<int64_t> VoiceSlots(const std::string& user_id);
  // The QuotaExceeded of a voice creation the store refused at `slots`.
  Error VoiceSlotsFull(const std::string& user_id, int64_t slots);

  // The tags of a request by `who` on `route` in a voice of `voice_kind`.
  static store::UsageTags Tags(const Principal& who, std::string route,
                               std::string_view voice_kind);
  // Charges a stream's `characters` under the plan's monthly characters, in one
  // step of the store: QuotaExceeded over them, and nothing charged.
  Status Charge(const Principal& who, const store::UsageTags& tags, int64_t characters);
  void ChargeAudio(const std::string& user_id, const store::UsageTags& tags, double audio_seconds);

  // GET /v1/usage: the current period's figures for `who`'s user.
  Result<nlohmann::json> Report(const Principal& who);

 private:
  template <typename T>
  struct Timed {
    T value;
    int64_t at = 0;
  };
  Result<std::string> PlanName(const std::string& user_id);
  // QuotaExceeded for a charge the store refused.
  Error OverQuota(const Admission& admission);

  store::Store& store_;
  const Clock& clock_;
  const int64_t cache_ttl_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Timed<std::string>> plan_names_;  // user id -> plan name
  std::unordered_map<std::string, Timed<std::optional<store::Plan>>> plans_;
};

}  // namespace vox::api
