// Conformance: plans and the usage table.
#include <thread>

#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

TEST_P(StoreConformance, PlansAreCreatedThenUpdated) {
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->ListPlans());
  EXPECT_TRUE(none.empty());
  Plan pro{.name = "pro",
           .monthly_chars = 500'000,
           .voice_slots = 3,
           .rate = 2.5,
           .concurrency = 4,
           .created_at = kT0,
           .updated_at = kT0};
  VOX_ASSERT_OK_AND_ASSIGN(Plan created, store_->UpsertPlan(pro));
  EXPECT_EQ(created.monthly_chars, 500'000);
  EXPECT_DOUBLE_EQ(created.rate, 2.5);

  pro.monthly_chars = 10;
  pro.concurrency = 1;
  pro.created_at = kT0 + 50;  // an update keeps the first creation time
  pro.updated_at = kT0 + 50;
  VOX_ASSERT_OK(store_->UpsertPlan(pro));
  VOX_ASSERT_OK(store_->UpsertPlan(Plan{.name = "basic", .monthly_chars = 1}));
  VOX_ASSERT_OK_AND_ASSIGN(Plan got, store_->GetPlan("pro"));
  EXPECT_EQ(got.monthly_chars, 10);
  EXPECT_EQ(got.voice_slots, 3);
  EXPECT_EQ(got.concurrency, 1);
  EXPECT_EQ(got.created_at, kT0);
  EXPECT_EQ(got.updated_at, kT0 + 50);
  VOX_ASSERT_OK_AND_ASSIGN(auto plans, store_->ListPlans());
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].name, "basic");
  EXPECT_EQ(plans[1].name, "pro");

  EXPECT_EQ(CodeOf(store_->GetPlan("gold")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->UpsertPlan(Plan{.name = ""})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->UpsertPlan(Plan{.name = "neg", .monthly_chars = -1})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->UpsertPlan(Plan{.name = "nan", .rate = -0.5})),
            ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, UsageAddsUpPerDayKeyRouteAndKind) {
  User alice = AddUser("alice");
  User bob = AddUser("bob");
  UsageDelta synth{.day = "2026-12-01",
                   .user_id = alice.id,
                   .project = "podcast",
                   .key_id = "k1",
                   .route = "/v1/tts/synthesize",
                   .voice_kind = "builtin",
                   .characters = 100,
                   .audio_seconds = 0,
                   .requests = 1};
  VOX_ASSERT_OK(store_->AddUsage(synth));
  UsageDelta audio = synth;  // the same row at completion: seconds only
  audio.characters = 0;
  audio.requests = 0;
  audio.audio_seconds = 6.5;
  VOX_ASSERT_OK(store_->AddUsage(audio));
  UsageDelta stream = synth;
  stream.route = "/v1/audio/speech";
  stream.project = "";
  stream.characters = 40;
  VOX_ASSERT_OK(store_->AddUsage(stream));
  UsageDelta next_month = synth;
  next_month.day = "2027-01-01";
  VOX_ASSERT_OK(store_->AddUsage(next_month));
  UsageDelta bobs = synth;
  bobs.user_id = bob.id;
  bobs.characters = 7;
  VOX_ASSERT_OK(store_->AddUsage(bobs));

  VOX_ASSERT_OK_AND_ASSIGN(auto rows, store_->ListUsage(alice.id, "2026-12-01", "2026-12-31"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].project, "");  // '' sorts first: no project
  EXPECT_EQ(rows[0].route, "/v1/audio/speech");
  EXPECT_EQ(rows[0].characters, 40);
  EXPECT_EQ(rows[1].project, "podcast");
  EXPECT_EQ(rows[1].characters, 100);
  EXPECT_DOUBLE_EQ(rows[1].audio_seconds, 6.5);
  EXPECT_EQ(rows[1].requests, 1);
  EXPECT_EQ(rows[1].key_id, "k1");
  VOX_ASSERT_OK_AND_ASSIGN(int64_t december,
                           store_->SumCharacters(alice.id, "2026-12-01", "2026-12-31"));
  EXPECT_EQ(december, 140);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t bob_sum,
                           store_->SumCharacters(bob.id, "2026-12-01", "2026-12-31"));
  EXPECT_EQ(bob_sum, 7);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t nobody,
                           store_->SumCharacters(NewUuid(), "2026-12-01", "2026-12-31"));
  EXPECT_EQ(nobody, 0);

  UsageDelta orphan = synth;
  orphan.user_id = NewUuid();
  EXPECT_EQ(CodeOf(store_->AddUsage(orphan)), ErrorCode::kInvalidArgument);
  UsageDelta no_day = synth;
  no_day.day = "";
  EXPECT_EQ(CodeOf(store_->AddUsage(no_day)), ErrorCode::kInvalidArgument);
}

// Every process adds to the same row: none of the concurrent additions is lost.
TEST_P(StoreConformance, ConcurrentUsageAdditionsAllCount) {
  User u = AddUser();
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto added = store_->AddUsage({.day = "2026-12-06",
                                       .user_id = u.id,
                                       .route = "r",
                                       .voice_kind = "builtin",
                                       .characters = 3,
                                       .audio_seconds = 0.5,
                                       .requests = 1});
        EXPECT_TRUE(added) << added.error().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  VOX_ASSERT_OK_AND_ASSIGN(auto rows, store_->ListUsage(u.id, "2026-12-06", "2026-12-06"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].characters, 3 * kThreads * kEach);
  EXPECT_EQ(rows[0].requests, kThreads * kEach);
  EXPECT_DOUBLE_EQ(rows[0].audio_seconds, 0.5 * kThreads * kEach);
}

TEST_P(StoreConformance, CountsJobsInFlightPerUser) {
  User u = AddUser();
  User other = AddUser("other");
  Job a = AddQueuedJob(u.id);
  AddQueuedJob(u.id);
  AddQueuedJob(other.id);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t in_flight, store_->CountJobsInFlight(u.id));
  EXPECT_EQ(in_flight, 2);
  VOX_ASSERT_OK(store_->TransitionJob({.job_id = a.id, .to = JobStatus::kCanceled}));
  VOX_ASSERT_OK_AND_ASSIGN(in_flight, store_->CountJobsInFlight(u.id));
  EXPECT_EQ(in_flight, 1);
}

}  // namespace
}  // namespace vox::store::testing
