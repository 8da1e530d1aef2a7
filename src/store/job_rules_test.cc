#include "store/job_rules.h"

#include <gtest/gtest.h>

namespace vox::store {
namespace {

using S = JobStatus;

TEST(JobRulesTest, GuardAllowsOnlyListedOrNonTerminalStatuses) {
  struct Case {
    std::vector<S> allowed_from;
    S current;
    bool allowed;
  };
  const Case cases[] = {
      {{}, S::kQueued, true},
      {{}, S::kUploading, true},
      {{}, S::kDone, false},
      {{}, S::kCanceled, false},
      {{S::kQueued}, S::kQueued, true},
      {{S::kQueued}, S::kPicked, false},
      {{S::kFailed}, S::kFailed, true},  // a terminal status named explicitly
  };
  for (const Case& c : cases) {
    JobTransition t{.job_id = "j", .allowed_from = c.allowed_from, .to = S::kCanceled};
    EXPECT_EQ(TransitionAllowed(t, c.current, std::nullopt), c.allowed) << JobStatusName(c.current);
  }
}

TEST(JobRulesTest, GuardWithALeaseOwnerNeedsThatOwner) {
  JobTransition t{.job_id = "j", .to = S::kDone, .lease_owner = "w1"};
  EXPECT_TRUE(TransitionAllowed(t, S::kUploading, "w1"));
  EXPECT_FALSE(TransitionAllowed(t, S::kUploading, "w2"));
  EXPECT_FALSE(TransitionAllowed(t, S::kUploading, std::nullopt));
}

TEST(JobRulesTest, PlanClearsLeaseAndSetsFinishedForTerminalTargets) {
  TransitionPlan done = PlanTransition(JobTransition{.to = S::kDone}, 500);
  EXPECT_EQ(done.at, 500);
  EXPECT_TRUE(done.clear_lease);
  EXPECT_TRUE(done.clear_error);
  EXPECT_EQ(done.finished_at, 500);

  TransitionPlan queued = PlanTransition(JobTransition{.to = S::kQueued, .at = 7}, 500);
  EXPECT_EQ(queued.at, 7);
  EXPECT_TRUE(queued.clear_lease);
  EXPECT_FALSE(queued.finished_at);

  TransitionPlan running = PlanTransition(JobTransition{.to = S::kInference}, 500);
  EXPECT_FALSE(running.clear_lease);
  EXPECT_FALSE(running.clear_error);
  EXPECT_TRUE(
      PlanTransition(JobTransition{.to = S::kInference, .clear_lease = true}, 1).clear_lease);
  EXPECT_EQ(PlanTransition(JobTransition{.to = S::kFailed, .finished_at = 3}, 9).finished_at, 3);
}

TEST(JobRulesTest, ClaimsNeedAWorkerAndALease) {
  EXPECT_TRUE(ValidateClaim("w", 1));
  EXPECT_EQ(ValidateClaim("", 1000).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateClaim("w", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ClaimMessage("w2", std::nullopt), "claimed by w2");
  EXPECT_EQ(ClaimMessage("w2", "w1"), "reclaimed by w2 after lease of w1 expired");
}

TEST(JobRulesTest, LostLeaseSaysCanceledOrLetGo) {
  Job job;
  job.id = "j";
  job.status = S::kCanceled;
  EXPECT_EQ(LeaseLost(job, "w").code, ErrorCode::kCanceled);
  job.status = S::kPicked;
  job.lease_owner = "other";
  Error lost = LeaseLost(job, "w");
  EXPECT_EQ(lost.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(lost.message.find("other"), std::string::npos);
}

}  // namespace
}  // namespace vox::store
