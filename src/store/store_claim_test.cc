// Conformance: claiming jobs, leases, and recovery of a dead worker's jobs.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

TEST_P(StoreConformance, ClaimSetsLeaseAttemptsAndLogs) {
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->ClaimNextJob("w1", 1000, kT0));
  EXPECT_FALSE(none.has_value());

  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK_AND_ASSIGN(auto claimed, store_->ClaimNextJob("w1", 1000, kT0 + 5));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->id, j.id);
  EXPECT_EQ(claimed->status, JobStatus::kPicked);
  EXPECT_EQ(claimed->lease_owner, "w1");
  EXPECT_EQ(claimed->lease_expires_at, kT0 + 1005);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_EQ(claimed->started_at, kT0 + 5);
  EXPECT_EQ(claimed->updated_at, kT0 + 5);
  VOX_ASSERT_OK_AND_ASSIGN(Job stored, store_->GetJob(j.id));
  EXPECT_EQ(stored.lease_owner, "w1");
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].status, JobStatus::kPicked);
  EXPECT_EQ(events[2].attempt, 1);
  EXPECT_EQ(events[2].at, kT0 + 5);

  VOX_ASSERT_OK_AND_ASSIGN(none, store_->ClaimNextJob("w2", 1000, kT0 + 6));
  EXPECT_FALSE(none.has_value());  // leased, not expired
  EXPECT_EQ(CodeOf(store_->ClaimNextJob("", 1000, kT0)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->ClaimNextJob("w", 0, kT0)), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, ClaimTakesTheEarliestDueJobOnly) {
  User u = AddUser();
  Job later = AddQueuedJob(u.id, kT0 + 500);
  Job first = AddQueuedJob(u.id, kT0);
  Job second = AddQueuedJob(u.id, kT0);  // same due time, created after `first`
  Job canceled = AddQueuedJob(u.id, kT0 - 100);
  VOX_ASSERT_OK(store_->TransitionJob({.job_id = canceled.id, .to = JobStatus::kCanceled}));

  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    VOX_ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimNextJob("w", 60000, kT0));
    if (c) order.push_back(c->id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{first.id, second.id}));
  VOX_ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimNextJob("w", 60000, kT0 + 500));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->id, later.id);
  VOX_ASSERT_OK_AND_ASSIGN(c, store_->ClaimNextJob("w", 60000, kT0 + 1000));
  EXPECT_FALSE(c.has_value());  // terminal jobs are never claimed
}

TEST_P(StoreConformance, ConcurrentClaimersGetEachJobExactlyOnce) {
  constexpr int kJobs = 60;
  constexpr int kThreads = 6;
  // Four users' jobs: the claimers also race on the users' turns (claim_turns).
  std::vector<User> users;
  for (int u = 0; u < 4; ++u) users.push_back(AddUser("user" + std::to_string(u)));
  for (int i = 0; i < kJobs; ++i) AddQueuedJob(users[i % users.size()].id);

  std::mutex mu;
  std::map<std::string, int> claims;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string worker = "w" + std::to_string(t);
      while (true) {
        auto c = store_->ClaimNextJob(worker, 60000, kT0);
        if (!c) {
          ++errors;
          return;
        }
        if (!c->has_value()) return;
        std::lock_guard<std::mutex> lock(mu);
        ++claims[(*c)->id];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claims.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, n] : claims) EXPECT_EQ(n, 1) << id;
  VOX_ASSERT_OK_AND_ASSIGN(auto counts, store_->CountJobsByStatus());
  EXPECT_EQ(counts[JobStatus::kPicked], kJobs);
}

TEST_P(StoreConformance, ExpiredLeaseIsReclaimedByAnotherWorker) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimNextJob("dead", 1000, kT0));
  // The worker got as far as inference before dying.
  VOX_ASSERT_OK(store_->TransitionJob(
      {.job_id = j.id, .to = JobStatus::kInference, .at = kT0 + 10, .lease_owner = "dead"}));

  VOX_ASSERT_OK_AND_ASSIGN(auto early, store_->ClaimNextJob("w2", 1000, kT0 + 1000));
  EXPECT_FALSE(early.has_value());  // expires strictly after lease_expires_at
  VOX_ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimNextJob("w2", 1000, kT0 + 1001));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->id, j.id);
  EXPECT_EQ(c->status, JobStatus::kPicked);
  EXPECT_EQ(c->lease_owner, "w2");
  EXPECT_EQ(c->attempts, 2);
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  EXPECT_NE(events.back().message.find("dead"), std::string::npos) << events.back().message;

  // The old worker wakes up: it can neither extend nor complete.
  auto extend = store_->ExtendLease(j.id, "dead", kT0 + 9999);
  ASSERT_FALSE(extend);
  EXPECT_EQ(extend.error().code, ErrorCode::kFailedPrecondition);
  VOX_ASSERT_OK_AND_ASSIGN(
      bool moved,
      store_->TransitionJob({.job_id = j.id, .to = JobStatus::kDone, .lease_owner = "dead"}));
  EXPECT_FALSE(moved);
}

TEST_P(StoreConformance, ExtendedLeaseIsNotReclaimed) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimNextJob("w1", 1000, kT0));
  VOX_ASSERT_OK(store_->ExtendLease(j.id, "w1", kT0 + 5000));
  VOX_ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimNextJob("w2", 1000, kT0 + 4000));
  EXPECT_FALSE(c.has_value());
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.lease_expires_at, kT0 + 5000);
  VOX_ASSERT_OK_AND_ASSIGN(c, store_->ClaimNextJob("w2", 1000, kT0 + 5001));
  EXPECT_TRUE(c.has_value());

  EXPECT_EQ(CodeOf(store_->ExtendLease("no-such-job", "w1", kT0)), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ExtendLeaseReportsCancellation) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimNextJob("w1", 1000, kT0));
  VOX_ASSERT_OK(store_->TransitionJob({.job_id = j.id, .to = JobStatus::kCanceled}));
  EXPECT_EQ(CodeOf(store_->ExtendLease(j.id, "w1", kT0 + 2000)), ErrorCode::kCanceled);
}

TEST_P(StoreConformance, ReleaseLeaseOnlyByItsHolder) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimNextJob("w1", 1000, kT0));
  VOX_ASSERT_OK(store_->ReleaseLease(j.id, "w2"));  // not the holder: no-op
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.lease_owner, "w1");
  VOX_ASSERT_OK(store_->ReleaseLease(j.id, "w1"));
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetJob(j.id));
  EXPECT_FALSE(got.lease_owner.has_value());
  EXPECT_FALSE(got.lease_expires_at.has_value());
  EXPECT_EQ(got.status, JobStatus::kPicked);  // status is the caller's business
}

TEST_P(StoreConformance, RequeueRunningJobsAfterRestart) {
  User u = AddUser();
  Job a = AddQueuedJob(u.id);
  Job b = AddQueuedJob(u.id);
  Job waiting = AddQueuedJob(u.id, kT0 + 50);
  VOX_ASSERT_OK(store_->ClaimNextJob("old-1", 60000, kT0));
  VOX_ASSERT_OK(store_->ClaimNextJob("old-2", 60000, kT0));
  VOX_ASSERT_OK(store_->TransitionJob({.job_id = b.id, .to = JobStatus::kVocoding}));

  VOX_ASSERT_OK_AND_ASSIGN(int64_t n, store_->RequeueRunningJobs(kT0 + 10, "restart"));
  EXPECT_EQ(n, 2);
  for (const Job& j : {a, b}) {
    VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
    EXPECT_EQ(got.status, JobStatus::kQueued);
    EXPECT_FALSE(got.lease_owner.has_value());
    EXPECT_EQ(got.next_attempt_at, kT0 + 10);
    VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
    EXPECT_EQ(events.back().message, "restart");
    EXPECT_EQ(events.back().status, JobStatus::kQueued);
  }
  VOX_ASSERT_OK_AND_ASSIGN(Job w, store_->GetJob(waiting.id));
  EXPECT_EQ(w.next_attempt_at, kT0 + 50);  // untouched
  VOX_ASSERT_OK_AND_ASSIGN(n, store_->RequeueRunningJobs(kT0 + 20, "again"));
  EXPECT_EQ(n, 0);
}

TEST_P(StoreConformance, NextDueAtTracksDelaysAndLeases) {
  VOX_ASSERT_OK_AND_ASSIGN(auto due, store_->NextDueAt());
  EXPECT_FALSE(due.has_value());
  User u = AddUser();
  Job delayed = AddQueuedJob(u.id, kT0 + 300);
  VOX_ASSERT_OK_AND_ASSIGN(due, store_->NextDueAt());
  EXPECT_EQ(due, kT0 + 300);
  AddQueuedJob(u.id, kT0);
  VOX_ASSERT_OK(store_->ClaimNextJob("w", 100, kT0));  // lease ends at kT0 + 100
  VOX_ASSERT_OK_AND_ASSIGN(due, store_->NextDueAt());
  EXPECT_EQ(due, kT0 + 101);  // reclaimable one millisecond after the lease ends
  VOX_ASSERT_OK(store_->TransitionJob({.job_id = delayed.id, .to = JobStatus::kCanceled}));
}

TEST_P(StoreConformance, ListStrandedJobsFindsDueQueuedAndExpiredLeases) {
  User u = AddUser();
  Job due = AddQueuedJob(u.id, kT0);
  Job delayed = AddQueuedJob(u.id, kT0 + 300);
  Job leased = AddQueuedJob(u.id, kT0 - 10);
  VOX_ASSERT_OK(store_->ClaimJob(leased.id, "w", 100, kT0));  // lease ends at kT0 + 100
  Job done = AddQueuedJob(u.id, kT0);
  VOX_ASSERT_OK(store_->TransitionJob({.job_id = done.id, .to = JobStatus::kCanceled}));

  VOX_ASSERT_OK_AND_ASSIGN(auto ids, store_->ListStrandedJobs(kT0, kT0, 10));
  EXPECT_EQ(ids, std::vector<std::string>{due.id});  // the lease still runs
  VOX_ASSERT_OK_AND_ASSIGN(ids, store_->ListStrandedJobs(kT0 + 300, kT0 + 101, 10));
  EXPECT_EQ(ids, (std::vector<std::string>{due.id, delayed.id, leased.id}));
  VOX_ASSERT_OK_AND_ASSIGN(ids, store_->ListStrandedJobs(kT0 + 300, kT0 + 101, 2));
  EXPECT_EQ(ids.size(), 2u);
}

}  // namespace
}  // namespace vox::store::testing
