// Conformance: job creation, idempotency, guarded transitions, the event log.
#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

std::vector<JobEvent> ReceivedQueued(int64_t at) {
  return {{0, "", JobStatus::kReceived, at, 0, "accepted"}, {0, "", JobStatus::kQueued, at, 0, ""}};
}

TEST_P(StoreConformance, CreateJobStoresEveryFieldAndItsEvents) {
  User u = AddUser();
  Job j = NewJob(u.id);
  j.id.clear();
  j.webhook_url = "https://example.com/hook";
  j.idempotency_key = "idem-1";
  j.max_attempts = 5;
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult r, store_->CreateJob(j, ReceivedQueued(j.created_at)));
  EXPECT_TRUE(r.created);
  EXPECT_TRUE(IsUuid(r.job.id)) << r.job.id;

  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(r.job.id));
  EXPECT_EQ(got.user_id, u.id);
  EXPECT_EQ(got.status, JobStatus::kQueued);
  EXPECT_EQ(got.voice_id, "flite-slt");
  EXPECT_EQ(got.model_version, "flite-2.2");
  EXPECT_EQ(got.text, j.text);
  EXPECT_EQ(got.params, R"({"speed":1.0})");
  EXPECT_EQ(got.format, "wav");
  EXPECT_EQ(got.webhook_url, "https://example.com/hook");
  EXPECT_EQ(got.idempotency_key, "idem-1");
  EXPECT_EQ(got.request_hash, j.request_hash);
  EXPECT_EQ(got.cache_key, j.cache_key);
  EXPECT_FALSE(got.cache_hit);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.max_attempts, 5);
  EXPECT_EQ(got.next_attempt_at, kT0);
  EXPECT_FALSE(got.lease_owner || got.lease_expires_at || got.error_code || got.error_message ||
               got.audio_key || got.audio_bytes || got.duration_s || got.started_at ||
               got.finished_at || got.voice_similarity);
  EXPECT_EQ(got.created_at, j.created_at);
  EXPECT_EQ(got.updated_at, j.created_at);

  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(r.job.id));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].status, JobStatus::kReceived);
  EXPECT_EQ(events[0].message, "accepted");
  EXPECT_EQ(events[0].job_id, r.job.id);
  EXPECT_EQ(events[1].status, JobStatus::kQueued);
  EXPECT_LT(events[0].id, events[1].id);
  EXPECT_EQ(events[1].at, j.created_at);

  EXPECT_EQ(CodeOf(store_->GetJob(NewUuid())), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ListUserJobsGivesTheNewestOfOneUserFirst) {
  User a = AddUser("a");
  User b = AddUser("b");
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(AddQueuedJob(a.id).id);
  const std::string others = AddQueuedJob(b.id).id;

  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListUserJobs(a.id, 10));
  ASSERT_EQ(all.size(), 4u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, ids[ids.size() - 1 - i]) << i;  // newest first
    EXPECT_EQ(all[i].user_id, a.id);
  }
  VOX_ASSERT_OK_AND_ASSIGN(auto two, store_->ListUserJobs(a.id, 2));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, ids[3]);
  EXPECT_EQ(two[1].id, ids[2]);
  VOX_ASSERT_OK_AND_ASSIGN(auto theirs, store_->ListUserJobs(b.id, 10));
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].id, others);
  VOX_ASSERT_OK_AND_ASSIGN(auto nobody, store_->ListUserJobs("no-such-user", 10));
  EXPECT_TRUE(nobody.empty());
  EXPECT_EQ(CodeOf(store_->ListUserJobs(a.id, 0)), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, FindsJobIdsByPrefix) {
  User u = AddUser();
  for (const char* id :
       {"2f1c9a4e-7b3d-4c2a-9e8f-0a1b2c3d4e5f", "2f1c9a4e-7b3d-4c2a-0000-000000000000",
        "2f1c9a4e-7b3d-4c2b-9e8f-0a1b2c3d4e5f"}) {
    Job j = NewJob(u.id);
    j.id = id;
    ASSERT_TRUE(store_->CreateJob(j, ReceivedQueued(j.created_at)).has_value()) << id;
  }
  VOX_ASSERT_OK_AND_ASSIGN(auto two, store_->FindJobIdsByPrefix("2f1c9a4e-7b3d-4c2a", 10));
  EXPECT_EQ(two, (std::vector<std::string>{"2f1c9a4e-7b3d-4c2a-0000-000000000000",
                                           "2f1c9a4e-7b3d-4c2a-9e8f-0a1b2c3d4e5f"}));
  VOX_ASSERT_OK_AND_ASSIGN(auto one, store_->FindJobIdsByPrefix("2f1c9a4e-7b3d-4c2a", 1));
  EXPECT_EQ(one.size(), 1u);
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->FindJobIdsByPrefix("2f1c9a4e-7b3d-4c2c", 10));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformance, ListsTheNewestJobIdsFirst) {
  User u = AddUser();
  for (const auto& [id, created_at] : std::vector<std::pair<std::string, int64_t>>{
           {"b-older", 1000}, {"a-newest", 3000}, {"c-middle", 2000}, {"b-newest", 3000}}) {
    Job j = NewJob(u.id);
    j.id = id;
    j.created_at = created_at;
    ASSERT_TRUE(store_->CreateJob(j, ReceivedQueued(j.created_at)).has_value()) << id;
  }
  VOX_ASSERT_OK_AND_ASSIGN(auto three, store_->ListRecentJobIds(3));
  EXPECT_EQ(three, (std::vector<std::string>{"a-newest", "b-newest", "c-middle"}));
  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListRecentJobIds(10));
  EXPECT_EQ(all.size(), 4u);
  EXPECT_FALSE(store_->ListRecentJobIds(0).has_value());
}

TEST_P(StoreConformance, IdempotencyKeyReturnsTheExistingJob) {
  User a = AddUser("a");
  User b = AddUser("b");
  Job j = NewJob(a.id);
  j.idempotency_key = "same";
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult first, store_->CreateJob(j, ReceivedQueued(kT0)));
  Job retry = NewJob(a.id);  // a new id and a different body
  retry.idempotency_key = "same";
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult second, store_->CreateJob(retry, ReceivedQueued(kT0)));
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.job.id, first.job.id);
  EXPECT_EQ(second.job.request_hash, j.request_hash);  // lets the API detect the conflict
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(first.job.id));
  EXPECT_EQ(events.size(), 2u);  // nothing new written
  EXPECT_EQ(CodeOf(store_->GetJob(retry.id)), ErrorCode::kNotFound);

  Job other_user = NewJob(b.id);  // keys are per user
  other_user.idempotency_key = "same";
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult third, store_->CreateJob(other_user, {}));
  EXPECT_TRUE(third.created);
  // Without a key, identical submissions are distinct jobs.
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult n1, store_->CreateJob(NewJob(a.id), {}));
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult n2, store_->CreateJob(NewJob(a.id), {}));
  EXPECT_TRUE(n1.created && n2.created);
  VOX_ASSERT_OK_AND_ASSIGN(auto counts, store_->CountJobsByStatus());
  EXPECT_EQ(counts[JobStatus::kQueued], 4);
}

TEST_P(StoreConformance, FailingCreateJobLeavesNoRows) {
  User u = AddUser();
  Job j = NewJob(u.id);
  j.id = NewUuid();
  // The job row inserts fine; the second log row violates a constraint, so
  // the whole transaction must roll back.
  std::vector<JobEvent> events = ReceivedQueued(kT0);
  events[1].attempt = -1;
  auto r = store_->CreateJob(j, events);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->GetJob(j.id)), ErrorCode::kNotFound);
  VOX_ASSERT_OK_AND_ASSIGN(auto events_after, store_->ListJobEvents(j.id));
  EXPECT_TRUE(events_after.empty());
  VOX_ASSERT_OK_AND_ASSIGN(auto counts, store_->CountJobsByStatus());
  for (const auto& [status, n] : counts) EXPECT_EQ(n, 0) << JobStatusName(status);

  // An unknown user is the caller's fault.
  auto orphan = store_->CreateJob(NewJob(NewUuid()), {});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kInvalidArgument);
  // The same id twice is a conflict, and the store keeps working afterwards.
  VOX_ASSERT_OK(store_->CreateJob(j, ReceivedQueued(kT0)));
  auto dup = store_->CreateJob(j, {});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  VOX_ASSERT_OK_AND_ASSIGN(auto events_ok, store_->ListJobEvents(j.id));
  EXPECT_EQ(events_ok.size(), 2u);
}

TEST_P(StoreConformance, TransitionGuardsKeepCanceledJobsCanceled) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  JobTransition pick{.job_id = j.id,
                     .allowed_from = {JobStatus::kQueued},
                     .to = JobStatus::kPicked,
                     .at = kT0 + 1,
                     .message = "worker w1"};
  VOX_ASSERT_OK_AND_ASSIGN(bool moved, store_->TransitionJob(pick));
  EXPECT_TRUE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(pick));  // no longer queued
  EXPECT_FALSE(moved);

  JobTransition cancel{.job_id = j.id, .to = JobStatus::kCanceled, .at = kT0 + 2};
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(cancel));  // any non-terminal
  EXPECT_TRUE(moved);
  // The worker, unaware, tries to move on and to finish: both refused.
  JobTransition work{.job_id = j.id,
                     .allowed_from = {JobStatus::kPicked},
                     .to = JobStatus::kPreprocessing,
                     .at = kT0 + 3};
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(work));
  EXPECT_FALSE(moved);
  JobTransition finish{.job_id = j.id, .to = JobStatus::kDone, .at = kT0 + 4};
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(finish));
  EXPECT_FALSE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(cancel));  // terminal already
  EXPECT_FALSE(moved);

  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.status, JobStatus::kCanceled);
  EXPECT_EQ(got.finished_at, kT0 + 2);
  EXPECT_EQ(got.updated_at, kT0 + 2);
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  ASSERT_EQ(events.size(), 4u);  // received, queued, picked, canceled: refused moves log nothing
  EXPECT_EQ(events[2].message, "worker w1");
  EXPECT_EQ(events[3].status, JobStatus::kCanceled);

  // A terminal status can still be left when the caller names it explicitly.
  JobTransition requeue{.job_id = j.id,
                        .allowed_from = {JobStatus::kCanceled},
                        .to = JobStatus::kQueued,
                        .at = kT0 + 5};
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(requeue));
  EXPECT_TRUE(moved);

  JobTransition missing{.job_id = NewUuid(), .to = JobStatus::kCanceled};
  EXPECT_EQ(CodeOf(store_->TransitionJob(missing)), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, CompletionHappensExactlyOnce) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK_AND_ASSIGN(auto claimed, store_->ClaimNextJob("w1", 10000, kT0));
  ASSERT_TRUE(claimed);
  JobTransition done{.job_id = j.id,
                     .allowed_from = {JobStatus::kPicked, JobStatus::kUploading},
                     .to = JobStatus::kDone,
                     .at = kT0 + 50,
                     .message = "ok",
                     .lease_owner = "w1",
                     .audio_key = "audio/" + j.id + ".wav",
                     .audio_bytes = 32044,
                     .duration_s = 1.5,
                     .cache_hit = true};
  VOX_ASSERT_OK_AND_ASSIGN(bool first, store_->TransitionJob(done));
  VOX_ASSERT_OK_AND_ASSIGN(bool second, store_->TransitionJob(done));
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.status, JobStatus::kDone);
  EXPECT_EQ(got.audio_key, "audio/" + j.id + ".wav");
  EXPECT_EQ(got.audio_bytes, 32044);
  EXPECT_EQ(got.duration_s, 1.5);
  EXPECT_TRUE(got.cache_hit);
  EXPECT_EQ(got.finished_at, kT0 + 50);       // defaulted to `at` for a terminal status
  EXPECT_EQ(got.started_at, kT0);             // set by the claim
  EXPECT_FALSE(got.lease_owner.has_value());  // terminal: lease cleared
  EXPECT_FALSE(got.lease_expires_at.has_value());
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events.back().status, JobStatus::kDone);
  EXPECT_EQ(events.back().attempt, 1);  // defaults to the job's attempts
}

TEST_P(StoreConformance, RetryTransitionSetsErrorAndDelayThenSuccessClearsError) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimNextJob("w1", 10000, kT0));
  JobTransition retry{.job_id = j.id,
                      .to = JobStatus::kQueued,
                      .at = kT0 + 10,
                      .message = "engine busy",
                      .lease_owner = "w1",
                      .error_code = "unavailable",
                      .error_message = "engine busy",
                      .next_attempt_at = kT0 + 1000};
  VOX_ASSERT_OK_AND_ASSIGN(bool moved, store_->TransitionJob(retry));
  ASSERT_TRUE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.status, JobStatus::kQueued);
  EXPECT_EQ(got.error_code, "unavailable");
  EXPECT_EQ(got.next_attempt_at, kT0 + 1000);
  EXPECT_FALSE(got.lease_owner.has_value());  // queued: lease cleared
  EXPECT_FALSE(got.finished_at.has_value());

  VOX_ASSERT_OK_AND_ASSIGN(auto early, store_->ClaimNextJob("w2", 10000, kT0 + 999));
  EXPECT_FALSE(early.has_value());
  VOX_ASSERT_OK_AND_ASSIGN(auto due, store_->ClaimNextJob("w2", 10000, kT0 + 1000));
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->attempts, 2);
  EXPECT_EQ(due->started_at, kT0);  // first pick time is kept

  JobTransition done{.job_id = j.id, .to = JobStatus::kDone, .at = kT0 + 2000};
  VOX_ASSERT_OK(store_->TransitionJob(done));
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetJob(j.id));
  EXPECT_FALSE(got.error_code.has_value());
  EXPECT_FALSE(got.error_message.has_value());

  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[3].message, "engine busy");
  EXPECT_EQ(events[3].attempt, 1);
  EXPECT_EQ(events[4].attempt, 2);
}

TEST_P(StoreConformance, RefundedAttemptDoesNotCount) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->ClaimNextJob("w1", 10000, kT0));
  VOX_ASSERT_OK_AND_ASSIGN(
      bool moved,
      store_->TransitionJob(
          {.job_id = j.id, .to = JobStatus::kQueued, .lease_owner = "w1", .refund_attempt = true}));
  ASSERT_TRUE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.attempts, 0);
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(j.id));
  EXPECT_EQ(events.back().attempt, 1);  // the log still says which delivery it was
}

TEST_P(StoreConformance, CountsJobsByStatus) {
  User u = AddUser();
  for (int i = 0; i < 3; ++i) AddQueuedJob(u.id);
  Job failed = AddQueuedJob(u.id);
  VOX_ASSERT_OK(store_->TransitionJob(
      {.job_id = failed.id, .to = JobStatus::kFailed, .error_code = "bad_voice"}));
  VOX_ASSERT_OK(store_->ClaimNextJob("w", 1000, kT0));
  VOX_ASSERT_OK_AND_ASSIGN(auto counts, store_->CountJobsByStatus());
  EXPECT_EQ(counts.size(), kAllJobStatuses.size());
  EXPECT_EQ(counts[JobStatus::kQueued], 2);
  EXPECT_EQ(counts[JobStatus::kPicked], 1);
  EXPECT_EQ(counts[JobStatus::kFailed], 1);
  EXPECT_EQ(counts[JobStatus::kDone], 0);
  EXPECT_EQ(store_->CountJobs(JobStatus::kQueued).value_or(-1), 2);
  EXPECT_EQ(store_->CountJobs(JobStatus::kPicked).value_or(-1), 1);
  EXPECT_EQ(store_->CountJobs(JobStatus::kDone).value_or(-1), 0);
}

}  // namespace
}  // namespace vox::store::testing
