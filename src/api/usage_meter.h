// UsageMeter: plans enforced and usage charged, for every front end.
//
// A user's plan is the `plans` row named by users.plan; a user whose plan has
// no row is not limited (the "free" and "admin" plans of existing users). A
// limit of 0 is no limit. Checks happen at acceptance, before anything is
// stored: over the month's characters is quota_exceeded, over the plan's
// concurrency (queued + running synthesis jobs) is rate_limited.
//
// The check and the charge are two steps, so requests racing the limit may all
// pass: the month never exceeds the quota by more than the requests in flight
// at that moment. Users and plans are cached for `cache_ttl_ms` (a plan change
// reaches every process within that time).
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

  // Refuses (QuotaExceeded) `characters` more this month over the plan's
  // monthly characters, and (RateLimited) one more job over its concurrency
  // when `job` is set.
  Status CheckSubmit(const Principal& who, int64_t characters, bool job);
  // Refuses (QuotaExceeded) one more cloned voice over the plan's voice slots;
  // `held` is how many the user keeps now (processing or ready).
  Status CheckVoiceSlot(const std::string& user_id, int64_t held);

  // The tags of a request by `who` on `route` in a voice of `voice_kind`.
  static store::UsageTags Tags(const Principal& who, std::string route,
                               std::string_view voice_kind);
  // Charges accepted characters (and audio already made, for a cache hit);
  // a failure is logged, never refused: the work was accepted.
  void Charge(const Principal& who, const store::UsageTags& tags, int64_t characters,
              double audio_seconds);
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

  store::Store& store_;
  const Clock& clock_;
  const int64_t cache_ttl_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Timed<std::string>> plan_names_;  // user id -> plan name
  std::unordered_map<std::string, Timed<std::optional<store::Plan>>> plans_;
};

}  // namespace vox::api
