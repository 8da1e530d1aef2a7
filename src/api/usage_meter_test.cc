// UsageMeter on a real (SQLite) store: the month's quota, concurrency, voice
// slots, and the report of GET /v1/usage.
#include "api/usage_meter.h"

#include <gtest/gtest.h>

#include "api/job_service.h"
#include "api/quota_errors.h"

namespace vox::api {
namespace {

constexpr int64_t kDec6 = 1'796'553'600'000;  // 2026-12-06T10:40:00Z

class UsageMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(opened);
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate());
    ASSERT_TRUE(store_->UpsertPlan(
        {.name = "small", .monthly_chars = 100, .voice_slots = 1, .concurrency = 1}));
    who_ = Add("small", "podcast");
  }
  Principal Add(const std::string& plan, std::optional<std::string> project = std::nullopt) {
    store::User u;
    u.name = "u";
    u.plan = plan;
    auto created = store_->CreateUser(u);
    EXPECT_TRUE(created);
    Principal p;
    p.user_id = created->id;
    p.key_id = "key-" + created->id.substr(0, 4);
    p.project = std::move(project);
    return p;
  }

  std::unique_ptr<store::Store> store_;
  ManualClock clock_{kDec6};
  Principal who_;
};

TEST_F(UsageMeterTest, PeriodIsTheCalendarMonthInUtc) {
  UsagePeriod p = UsagePeriod::Of(kDec6);
  EXPECT_EQ(p.first_day, "2026-12-01");
  EXPECT_EQ(p.last_day, "2026-12-31");
  EXPECT_EQ(Iso8601(p.start_ms), "2026-12-01T00:00:00.000Z");
  EXPECT_EQ(Iso8601(p.resets_ms), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(UsagePeriod::Of(p.resets_ms).first_day, "2027-01-01");
  EXPECT_EQ(UsagePeriod::Of(p.resets_ms - 1).first_day, "2026-12-01");
}

TEST_F(UsageMeterTest, RefusesCharactersOverTheMonthsQuota) {
  UsageMeter meter(*store_, clock_);
  ASSERT_TRUE(meter.CheckSubmit(who_, 100, false));  // exactly the quota is allowed
  meter.Charge(who_, UsageMeter::Tags(who_, "/v1/tts/synthesize", "builtin"), 60, 0);
  ASSERT_TRUE(meter.CheckSubmit(who_, 40, false));
  auto over = meter.CheckSubmit(who_, 41, false);
  ASSERT_FALSE(over);
  EXPECT_TRUE(IsQuotaExceeded(over.error())) << over.error().ToString();
  EXPECT_NE(over.error().message.find("2027-01-01T00:00:00.000Z"), std::string::npos);
  // Last month's characters do not count: the quota resets with the month.
  clock_.Set(UsagePeriod::Of(kDec6).resets_ms);
  EXPECT_TRUE(meter.CheckSubmit(who_, 100, false));
}

TEST_F(UsageMeterTest, UsersWithoutAPlanRowAreNotLimited) {
  UsageMeter meter(*store_, clock_);
  Principal free = Add("free");
  meter.Charge(free, UsageMeter::Tags(free, "/v1/tts/stream", "builtin"), 1'000'000, 0);
  EXPECT_TRUE(meter.CheckSubmit(free, 1'000'000, true));
  EXPECT_TRUE(meter.CheckVoiceSlot(free.user_id, 50));
  auto plan = meter.PlanOf(free.user_id);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->has_value());
}

TEST_F(UsageMeterTest, ConcurrencyCountsQueuedAndRunningJobs) {
  UsageMeter meter(*store_, clock_);
  ASSERT_TRUE(meter.CheckSubmit(who_, 1, true));
  store::Job job;
  job.user_id = who_.user_id;
  job.status = store::JobStatus::kQueued;
  job.voice_id = "flite-slt";
  job.text = "x";
  job.format = "wav";
  ASSERT_TRUE(store_->CreateJob(job, {}));
  auto busy = meter.CheckSubmit(who_, 1, true);
  ASSERT_FALSE(busy);
  EXPECT_TRUE(IsRateLimited(busy.error())) << busy.error().ToString();
  EXPECT_TRUE(meter.CheckSubmit(who_, 1, false));  // streams are not jobs in flight
}

TEST_F(UsageMeterTest, VoiceSlotsBoundClonesKept) {
  UsageMeter meter(*store_, clock_);
  EXPECT_TRUE(meter.CheckVoiceSlot(who_.user_id, 0));
  auto full = meter.CheckVoiceSlot(who_.user_id, 1);
  ASSERT_FALSE(full);
  EXPECT_TRUE(IsQuotaExceeded(full.error()));
}

TEST_F(UsageMeterTest, ReportsThisMonthByProject) {
  UsageMeter meter(*store_, clock_);
  meter.Charge(who_, UsageMeter::Tags(who_, "/v1/tts/synthesize", "builtin"), 12, 0);
  meter.ChargeAudio(who_.user_id, UsageMeter::Tags(who_, "/v1/tts/synthesize", "builtin"), 1.5);
  Principal other_key = who_;
  other_key.key_id = "another";
  other_key.project.reset();
  meter.Charge(other_key, UsageMeter::Tags(other_key, "/v1/audio/speech", "piper"), 8, 0.25);
  auto report = meter.Report(who_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ((*report)["period_start"], "2026-12-01T00:00:00.000Z");
  EXPECT_EQ((*report)["resets_at"], "2027-01-01T00:00:00.000Z");
  EXPECT_EQ((*report)["characters"], 20);
  EXPECT_DOUBLE_EQ((*report)["audio_seconds"].get<double>(), 1.75);
  EXPECT_EQ((*report)["limit"]["plan"], "small");
  EXPECT_EQ((*report)["limit"]["monthly_characters"], 100);
  EXPECT_TRUE((*report)["limit"]["rate_per_second"].is_null());
  const auto& projects = (*report)["by_project"];
  ASSERT_EQ(projects.size(), 2u);
  EXPECT_TRUE(projects[0]["project"].is_null());
  EXPECT_EQ(projects[0]["characters"], 8);
  EXPECT_EQ(projects[1]["project"], "podcast");
  EXPECT_EQ(projects[1]["characters"], 12);
  // The rows behind it, per key, route and voice kind.
  auto rows = store_->ListUsage(who_.user_id, "2026-12-06", "2026-12-06");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].voice_kind, "builtin");
  EXPECT_EQ((*rows)[1].requests, 1);  // the audio seconds added no request
}

}  // namespace
}  // namespace vox::api
