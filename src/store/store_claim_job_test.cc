// Conformance: claiming one named job (ClaimJob), as the Redis queue does
// after the stream hands it a job id.
#include <atomic>
#include <thread>
#include <vector>

#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

TEST_P(StoreConformance, ClaimJobClaimsThatJobOnlyWhenDue) {
  User u = AddUser();
  Job first = AddQueuedJob(u.id);
  Job delayed = AddQueuedJob(u.id, kT0 + 500);
  VOX_ASSERT_OK_AND_ASSIGN(auto early, store_->ClaimJob(delayed.id, "w1", 1000, kT0 + 499));
  EXPECT_FALSE(early.has_value());  // not due yet, although `first` is
  VOX_ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimJob(delayed.id, "w1", 1000, kT0 + 500));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->id, delayed.id);
  EXPECT_EQ(c->status, JobStatus::kPicked);
  EXPECT_EQ(c->lease_owner, "w1");
  EXPECT_EQ(c->lease_expires_at, kT0 + 1500);
  EXPECT_EQ(c->attempts, 1);
  EXPECT_EQ(c->started_at, kT0 + 500);
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(delayed.id));
  EXPECT_EQ(events.back().status, JobStatus::kPicked);
  EXPECT_EQ(events.back().attempt, 1);
  EXPECT_NE(events.back().message.find("w1"), std::string::npos);
  VOX_ASSERT_OK_AND_ASSIGN(Job untouched, store_->GetJob(first.id));
  EXPECT_EQ(untouched.status, JobStatus::kQueued);
  EXPECT_EQ(untouched.attempts, 0);
}

TEST_P(StoreConformance, ClaimJobRefusesLiveLeasesTerminalAndMissingJobs) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimJob(j.id, "w1", 1000, kT0));
  VOX_ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimJob(j.id, "w2", 1000, kT0 + 1000));
  EXPECT_FALSE(c.has_value());  // the lease ends strictly after lease_expires_at
  VOX_ASSERT_OK_AND_ASSIGN(c, store_->ClaimJob(j.id, "w2", 1000, kT0 + 1001));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->lease_owner, "w2");
  EXPECT_EQ(c->attempts, 2);
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  EXPECT_NE(events.back().message.find("w1"), std::string::npos) << events.back().message;

  VOX_ASSERT_OK(store_->TransitionJob({.job_id = j.id, .to = JobStatus::kDone}));
  VOX_ASSERT_OK_AND_ASSIGN(c, store_->ClaimJob(j.id, "w3", 1000, kT0 + 99999));
  EXPECT_FALSE(c.has_value());  // terminal jobs are never claimed
  VOX_ASSERT_OK_AND_ASSIGN(Job done, store_->GetJob(j.id));
  EXPECT_EQ(done.status, JobStatus::kDone);
  EXPECT_EQ(done.attempts, 2);

  VOX_ASSERT_OK_AND_ASSIGN(c, store_->ClaimJob("no-such-job", "w1", 1000, kT0));
  EXPECT_FALSE(c.has_value());
  EXPECT_EQ(CodeOf(store_->ClaimJob("", "w1", 1000, kT0)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->ClaimJob(j.id, "", 1000, kT0)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->ClaimJob(j.id, "w1", 0, kT0)), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, ConcurrentClaimJobOfOneJobHasOneWinner) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  std::atomic<int> wins{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto c = store_->ClaimJob(j.id, "w" + std::to_string(t), 60000, kT0);
      if (!c)
        ++errors;
      else if (c->has_value())
        ++wins;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wins.load(), 1);
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.attempts, 1);
}

}  // namespace
}  // namespace vox::store::testing
