// Conformance: concurrent submissions with one idempotency key make one job.
// On a server database the losers of the race hit the unique key and must
// answer with the winner's job; the rule lives once in sql/sql_jobs.cc.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store/store_conformance.h"

namespace vox::store::testing {

TEST_P(StoreConformance, ConcurrentSubmissionsWithOneKeyMakeOneJob) {
  User u = AddUser();
  constexpr int kThreads = 8;
  std::vector<Job> jobs;
  for (int t = 0; t < kThreads; ++t) {
    Job j = NewJob(u.id);  // each its own id and body
    j.idempotency_key = "one-key";
    jobs.push_back(j);
  }
  std::mutex mu;
  std::set<std::string> ids;
  std::atomic<int> created{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = store_->CreateJob(jobs[static_cast<size_t>(t)], {});
      if (!r) {
        ++errors;
        ADD_FAILURE() << r.error().ToString();
        return;
      }
      if (r->created) ++created;
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(r->job.id);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(ids.size(), 1u);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t queued, store_->CountJobs(JobStatus::kQueued));
  EXPECT_EQ(queued, 1);
}

TEST_P(StoreConformance, ErrorsAreTypedCodesWithoutApiFieldNames) {
  User u = AddUser();
  Job orphan = NewJob("no-such-user");
  auto r = store_->CreateJob(orphan, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "");
  Job j = AddQueuedJob(u.id);
  Job same_id = NewJob(u.id);
  same_id.id = j.id;
  auto dup = store_->CreateJob(same_id, {});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field, "");
  auto missing = store_->GetJob("no-such-job");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "");
  auto claim = store_->ClaimNextJob("", 1000, kT0);
  ASSERT_FALSE(claim);
  EXPECT_EQ(claim.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(claim.error().field, "");
}

}  // namespace vox::store::testing
