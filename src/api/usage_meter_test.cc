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
  const auto tags = UsageMeter::Tags(who_, "/v1/tts/stream", "builtin");
  ASSERT_TRUE(meter.Charge(who_, tags, 60));
  auto over = meter.Charge(who_, tags, 41);
  ASSERT_FALSE(over);
  EXPECT_TRUE(IsQuotaExceeded(over.error())) << over.error().ToString();
  EXPECT_NE(over.error().message.find("41 characters would exceed the 100"), std::string::npos)
      << over.error().message;
  EXPECT_NE(over.error().message.find("plan 'small' (60 used)"), std::string::npos);
  EXPECT_NE(over.error().message.find("2027-01-01T00:00:00.000Z"), std::string::npos);
  ASSERT_TRUE(meter.Charge(who_, tags, 40));  // exactly the quota is allowed
  auto report = meter.Report(who_);
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["characters"], 100);  // the refused 41 were not charged
  // Last month's characters do not count: the quota resets with the month.
  clock_.Set(UsagePeriod::Of(kDec6).resets_ms);
  EXPECT_TRUE(meter.Charge(who_, tags, 100));
}

TEST_F(UsageMeterTest, UsersWithoutAPlanRowAreNotLimited) {
  UsageMeter meter(*store_, clock_);
  Principal free = Add("free");
  const auto tags = UsageMeter::Tags(free, "/v1/tts/stream", "builtin");
  EXPECT_TRUE(meter.Charge(free, tags, 1'000'000));
  EXPECT_TRUE(meter.Charge(free, tags, 1'000'000));
  auto admission = meter.Admit(free, tags, 1'000'000, 0);
  ASSERT_TRUE(admission);
  EXPECT_EQ(admission->charge.max_characters, 0);
  EXPECT_EQ(admission->MaxInFlight(0), 0);
  EXPECT_EQ(admission->MaxInFlight(100), 100);  // only the server's own bound
  auto slots = meter.VoiceSlots(free.user_id);
  ASSERT_TRUE(slots);
  EXPECT_EQ(*slots, 0);  // no plan: no bound
  auto plan = meter.PlanOf(free.user_id);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->has_value());
}

// The store holds an admission in the job's insert; the meter names its refusals.
TEST_F(UsageMeterTest, JobsAreAdmittedUnderTheQuotaAndTheConcurrency) {
  UsageMeter meter(*store_, clock_);
  const auto tags = UsageMeter::Tags(who_, "/v1/tts/synthesize", "builtin");
  auto admission = meter.Admit(who_, tags, 10, 0);
  ASSERT_TRUE(admission) << admission.error().ToString();
  EXPECT_EQ(admission->charge.max_characters, 100);
  EXPECT_EQ(admission->charge.delta.day, "2026-12-06");
  EXPECT_EQ(admission->charge.from_day, "2026-12-01");
  EXPECT_EQ(admission->MaxInFlight(0), 1);
  EXPECT_EQ(admission->MaxInFlight(100), 1);
  auto job = [&] {
    store::Job j;
    j.user_id = who_.user_id;
    j.status = store::JobStatus::kQueued;
    j.voice_id = "flite-slt";
    j.text = "x";
    j.format = "wav";
    return j;
  };
  ASSERT_TRUE(store_->CreateJobCapped(job(), {}, admission->MaxInFlight(100), admission->charge));
  auto busy = store_->CreateJobCapped(job(), {}, admission->MaxInFlight(100), admission->charge);
  ASSERT_FALSE(busy);
  auto refusal = meter.Refusal(*admission, busy.error(), 100);
  ASSERT_TRUE(refusal);
  EXPECT_TRUE(IsRateLimited(*refusal)) << refusal->ToString();
  EXPECT_NE(refusal->message.find("you have 1 jobs queued or running, the most plan 'small'"),
            std::string::npos)
      << refusal->message;
  // A server bound tighter than the plan's is the caller's to name.
  UsageMeter::Admission wide = *admission;
  wide.concurrency = 5;
  EXPECT_EQ(wide.MaxInFlight(2), 2);
  EXPECT_FALSE(meter.Refusal(wide, busy.error(), 2));
  // Over the month's characters: quota_exceeded, no job, no charge.
  auto big = meter.Admit(who_, tags, 91, 0);
  ASSERT_TRUE(big);
  auto over = store_->CreateJobCapped(job(), {}, 0, big->charge);
  ASSERT_FALSE(over);
  refusal = meter.Refusal(*big, over.error(), 0);
  ASSERT_TRUE(refusal);
  EXPECT_TRUE(IsQuotaExceeded(*refusal)) << refusal->ToString();
  EXPECT_NE(refusal->message.find("(10 used)"), std::string::npos) << refusal->message;
  auto jobs = store_->ListUserJobs(who_.user_id, 10);
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->size(), 1u);
  // A refund takes a charge back whole.
  meter.Refund(*admission);
  auto report = meter.Report(who_);
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["characters"], 0);
}

TEST_F(UsageMeterTest, VoiceSlotsBoundClonesKept) {
  UsageMeter meter(*store_, clock_);
  auto slots = meter.VoiceSlots(who_.user_id);
  ASSERT_TRUE(slots);
  EXPECT_EQ(*slots, 1);
  const Error full = meter.VoiceSlotsFull(who_.user_id, *slots);
  EXPECT_TRUE(IsQuotaExceeded(full));
  EXPECT_NE(full.message.find("keeps 1 cloned voices"), std::string::npos) << full.message;
}

TEST_F(UsageMeterTest, ReportsThisMonthByProject) {
  UsageMeter meter(*store_, clock_);
  ASSERT_TRUE(meter.Charge(who_, UsageMeter::Tags(who_, "/v1/tts/synthesize", "builtin"), 12));
  meter.ChargeAudio(who_.user_id, UsageMeter::Tags(who_, "/v1/tts/synthesize", "builtin"), 1.5);
  Principal other_key = who_;
  other_key.key_id = "another";
  other_key.project.reset();
  const auto speech = UsageMeter::Tags(other_key, "/v1/audio/speech", "piper");
  ASSERT_TRUE(meter.Charge(other_key, speech, 8));
  meter.ChargeAudio(other_key.user_id, speech, 0.25);
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
