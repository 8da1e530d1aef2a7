#include "api/usage_meter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "api/job_service.h"
#include "api/quota_errors.h"

namespace vox::api {
namespace {

using nlohmann::json;

int64_t UtcMs(int year, int month) {  // month 0..11, may be 12 (January next year)
  std::tm tm{};
  tm.tm_year = year - 1900 + month / 12;
  tm.tm_mon = month % 12;
  tm.tm_mday = 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

json LimitJson(const std::optional<store::Plan>& plan, const std::string& name) {
  auto limit = [&](int64_t v) { return plan && v > 0 ? json(v) : json(nullptr); };
  return {{"plan", name},
          {"monthly_characters", limit(plan ? plan->monthly_chars : 0)},
          {"voice_slots", limit(plan ? plan->voice_slots : 0)},
          {"rate_per_second", plan && plan->rate > 0 ? json(plan->rate) : json(nullptr)},
          {"concurrency", limit(plan ? plan->concurrency : 0)}};
}

}  // namespace

UsagePeriod UsagePeriod::Of(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  UsagePeriod p;
  p.start_ms = UtcMs(tm.tm_year + 1900, tm.tm_mon);
  p.resets_ms = UtcMs(tm.tm_year + 1900, tm.tm_mon + 1);
  p.first_day = store::UsageDay(p.start_ms);
  p.last_day = store::UsageDay(p.resets_ms - 1);
  return p;
}

Result<std::string> UsageMeter::PlanName(const std::string& user_id) {
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mutex_);
    auto it = plan_names_.find(user_id);
    if (it != plan_names_.end() && now - it->second.at < cache_ttl_ms_) return it->second.value;
  }
  VOX_ASSIGN_OR_RETURN(store::User user, store_.GetUser(user_id));
  std::lock_guard lock(mutex_);
  if (plan_names_.size() > 10'000) plan_names_.clear();
  plan_names_[user_id] = {user.plan, now};
  return user.plan;
}

Result<std::optional<store::Plan>> UsageMeter::PlanOf(const std::string& user_id) {
  VOX_ASSIGN_OR_RETURN(std::string name, PlanName(user_id));
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mutex_);
    auto it = plans_.find(name);
    if (it != plans_.end() && now - it->second.at < cache_ttl_ms_) return it->second.value;
  }
  std::optional<store::Plan> plan;
  if (auto got = store_.GetPlan(name)) {
    plan = *got;
  } else if (got.error().code != ErrorCode::kNotFound) {
    return std::unexpected(got.error());
  }
  std::lock_guard lock(mutex_);
  plans_[name] = {plan, now};
  return plan;
}

int64_t UsageMeter::Admission::MaxInFlight(int64_t server_cap) const {
  if (concurrency <= 0) return server_cap;
  return server_cap > 0 ? std::min(server_cap, concurrency) : concurrency;
}

Result<UsageMeter::Admission> UsageMeter::Admit(const Principal& who, const store::UsageTags& tags,
                                                int64_t characters, double audio_seconds) {
  const std::string& user_id = who.user_id;
  VOX_ASSIGN_OR_RETURN(auto plan, PlanOf(user_id));
  const int64_t now = clock_.NowMs();
  const UsagePeriod period = UsagePeriod::Of(now);
  Admission a;
  a.charge.delta = store::UsageDeltaOf(user_id, tags, now, characters, audio_seconds, 1);
  a.charge.from_day = period.first_day;
  a.charge.to_day = period.last_day;
  if (plan) {
    a.plan = plan->name;
    a.charge.max_characters = plan->monthly_chars;
    a.concurrency = plan->concurrency;
  }
  return a;
}

Error UsageMeter::OverQuota(const Admission& a) {
  const store::QuotaCharge& c = a.charge;
  const int64_t used = store_.SumCharacters(c.delta.user_id, c.from_day, c.to_day).value_or(0);
  return QuotaExceeded("this request's " + std::to_string(c.delta.characters) +
                       " characters would exceed the " + std::to_string(c.max_characters) +
                       " characters a month of plan '" + a.plan + "' (" + std::to_string(used) +
                       " used); it resets at " +
                       Iso8601(UsagePeriod::Of(clock_.NowMs()).resets_ms));
}

std::optional<Error> UsageMeter::Refusal(const Admission& a, const Error& refused,
                                         int64_t server_cap) {
  if (refused.field == store::kQuotaRefusalField) return OverQuota(a);
  if (a.concurrency <= 0 || (server_cap > 0 && server_cap < a.concurrency)) return std::nullopt;
  const int64_t in_flight =
      store_.CountJobsInFlight(a.charge.delta.user_id).value_or(a.concurrency);
  return RateLimited("you have " + std::to_string(in_flight) +
                     " jobs queued or running, the most plan '" + a.plan +
                     "' allows; retry when one has finished");
}

void UsageMeter::Refund(const Admission& a) {
  store::UsageDelta back = a.charge.delta;
  back.characters = -back.characters;
  back.audio_seconds = -back.audio_seconds;
  back.requests = -back.requests;
  if (auto s = store_.AddUsage(back); !s) {
    spdlog::error("usage of {} not refunded: {}", back.user_id, s.error().ToString());
  }
}

Status UsageMeter::Charge(const Principal& who, const store::UsageTags& tags, int64_t characters) {
  VOX_ASSIGN_OR_RETURN(Admission a, Admit(who, tags, characters, 0));
  auto charged = store_.AddUsageCapped(a.charge);
  if (!charged && charged.error().code == ErrorCode::kResourceExhausted) {
    return std::unexpected(OverQuota(a));
  }
  return charged;
}

Result<int64_t> UsageMeter::VoiceSlots(const std::string& user_id) {
  VOX_ASSIGN_OR_RETURN(auto plan, PlanOf(user_id));
  return plan ? plan->voice_slots : 0;
}

Error UsageMeter::VoiceSlotsFull(const std::string& user_id, int64_t slots) {
  auto plan = PlanOf(user_id);
  const std::string name = plan && *plan ? (*plan)->name : std::string("?");
  return QuotaExceeded("plan '" + name + "' keeps " + std::to_string(slots) +
                       " cloned voices; delete one to make another");
}

store::UsageTags UsageMeter::Tags(const Principal& who, std::string route,
                                  std::string_view voice_kind) {
  return {who.project.value_or(""), who.key_id, std::move(route), std::string(voice_kind)};
}

void UsageMeter::ChargeAudio(const std::string& user_id, const store::UsageTags& tags,
                             double audio_seconds) {
  if (auto s = store::Charge(store_, user_id, tags, clock_.NowMs(), 0, audio_seconds, 0); !s) {
    spdlog::error("audio seconds of {} not recorded: {}", user_id, s.error().ToString());
  }
}

Result<json> UsageMeter::Report(const Principal& who) {
  const UsagePeriod period = UsagePeriod::Of(clock_.NowMs());
  VOX_ASSIGN_OR_RETURN(auto rows, store_.ListUsage(who.user_id, period.first_day, period.last_day));
  VOX_ASSIGN_OR_RETURN(auto plan, PlanOf(who.user_id));
  VOX_ASSIGN_OR_RETURN(std::string plan_name, PlanName(who.user_id));
  int64_t characters = 0;
  double audio_seconds = 0;
  std::map<std::string, std::pair<int64_t, double>> projects;
  for (const auto& row : rows) {
    characters += row.characters;
    audio_seconds += row.audio_seconds;
    auto& p = projects[row.project];
    p.first += row.characters;
    p.second += row.audio_seconds;
  }
  json by_project = json::array();
  for (const auto& [name, sums] : projects) {
    by_project.push_back({{"project", name.empty() ? json(nullptr) : json(name)},
                          {"characters", sums.first},
                          {"audio_seconds", sums.second}});
  }
  return json{{"period_start", Iso8601(period.start_ms)},
              {"resets_at", Iso8601(period.resets_ms)},
              {"characters", characters},
              {"audio_seconds", audio_seconds},
              {"limit", LimitJson(plan, plan_name)},
              {"by_project", by_project}};
}

}  // namespace vox::api
