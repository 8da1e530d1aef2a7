// Conformance: the per-user cap on jobs in flight (CreateJobCapped) holds when
// one user's submissions race, from threads of one process and through two
// handles on one database (as two API processes would).
#include <atomic>
#include <thread>
#include <vector>

#include "store/store_conformance.h"

namespace vox::store::testing {

TEST_P(StoreConformance, ConcurrentSubmissionsStopAtTheCap) {
  constexpr int kCap = 3, kThreads = 16;
  User u = AddUser();
  User other = AddUser("bob");
  VOX_ASSERT_OK(
      store_->CreateJobCapped(NewJob(other.id), {}, 1, {}));  // another user's: not counted
  std::unique_ptr<Store> second = OpenSecond();
  std::vector<Job> jobs;
  for (int t = 0; t < kThreads; ++t) jobs.push_back(NewJob(u.id));
  std::atomic<int> created{0}, refused{0}, errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& s = second && t % 2 ? *second : *store_;
      while (!go.load()) std::this_thread::yield();
      auto r = s.CreateJobCapped(jobs[static_cast<size_t>(t)], {}, kCap, {});
      if (r && r->created) {
        ++created;
      } else if (!r && r.error().code == ErrorCode::kResourceExhausted) {
        ++refused;
      } else {
        ++errors;
        ADD_FAILURE() << (r ? "not created" : r.error().ToString());
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(created.load(), kCap);
  EXPECT_EQ(refused.load(), kThreads - kCap);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t in_flight, store_->CountJobsInFlight(u.id));
  EXPECT_EQ(in_flight, kCap);  // the refused ones wrote nothing
  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListUserJobs(u.id, 100));
  EXPECT_EQ(listed.size(), static_cast<size_t>(kCap));
}

TEST_P(StoreConformance, TheCapCountsOnlyJobsInFlight) {
  User u = AddUser();
  Job first = NewJob(u.id);
  first.idempotency_key = "k1";
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult made, store_->CreateJobCapped(first, {}, 1, {}));
  first.id = made.job.id;
  auto over = store_->CreateJobCapped(NewJob(u.id), {}, 1, {});
  ASSERT_EQ(CodeOf(over), ErrorCode::kResourceExhausted);
  EXPECT_EQ(over.error().field, "");  // the API names its own field
  // At the cap: a replay of the first still answers with it; a job created done (a cache
  // hit) adds nothing in flight and is taken; 0 is no cap.
  VOX_ASSERT_OK_AND_ASSIGN(auto replay, store_->CreateJobCapped(first, {}, 1, {}));
  EXPECT_FALSE(replay.created);
  EXPECT_EQ(replay.job.id, first.id);
  Job hit = NewJob(u.id);
  hit.status = JobStatus::kDone;
  VOX_ASSERT_OK(store_->CreateJobCapped(hit, {}, 1, {}));
  VOX_ASSERT_OK(store_->CreateJobCapped(NewJob(u.id), {}, 0, {}));
  // A finished job frees its place.
  JobTransition done;
  done.job_id = first.id;
  done.to = JobStatus::kCanceled;
  VOX_ASSERT_OK(store_->TransitionJob(done));
  EXPECT_EQ(CodeOf(store_->CreateJobCapped(NewJob(u.id), {}, 2, {})), std::nullopt);
  EXPECT_EQ(CodeOf(store_->CreateJobCapped(NewJob(u.id), {}, 2, {})),
            ErrorCode::kResourceExhausted);
}

}  // namespace vox::store::testing
