// LocalQueue specifics: time comes from an injected clock, restart recovery,
// poison jobs, and URL parsing.
#include "queue/local_queue.h"

#include <gtest/gtest.h>

#include <chrono>

#include "queue/job_queue.h"

namespace vox::queue {
namespace {

using store::Job;
using store::JobStatus;

class LocalQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    store::User u;
    u.name = "u";
    user_id_ = store_->CreateUser(u).value().id;
  }

  std::unique_ptr<JobQueue> Open(const std::string& url) {
    auto q = OpenQueue(url, *store_, clock_);
    EXPECT_TRUE(q) << q.error().ToString();
    return q ? std::move(*q) : nullptr;
  }

  std::string AddJob(int max_attempts = 3) {
    Job j;
    j.user_id = user_id_;
    j.status = JobStatus::kQueued;
    j.voice_id = "v";
    j.text = "t";
    j.format = "wav";
    j.max_attempts = max_attempts;
    j.created_at = clock_.NowMs();
    return store_->CreateJob(j, {}).value().job.id;
  }

  static std::optional<Delivery> Take(JobQueue& q, const std::string& worker) {
    auto d = q.Dequeue(worker, 0);
    EXPECT_TRUE(d) << d.error().ToString();
    return d ? *d : std::nullopt;
  }

  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  std::string user_id_;
};

TEST_F(LocalQueueTest, LeasesFollowTheInjectedClock) {
  auto q = Open("local://?lease_ms=1000");
  ASSERT_NE(q, nullptr);
  std::string id = AddJob();
  auto d = Take(*q, "w1");
  ASSERT_TRUE(d.has_value());
  clock_.Advance(1000);
  EXPECT_FALSE(Take(*q, "w2").has_value());  // lease ends at exactly +1000
  ASSERT_TRUE(q->Heartbeat(*d));             // now until +2000
  clock_.Advance(999);
  EXPECT_FALSE(Take(*q, "w2").has_value());
  clock_.Advance(2);
  auto again = Take(*q, "w2");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->job_id, id);
  EXPECT_EQ(again->delivery_count, 2);
  EXPECT_NE(again->delivery_id, d->delivery_id);
}

TEST_F(LocalQueueTest, RetryDelayFollowsTheInjectedClock) {
  auto q = Open("local://");
  ASSERT_NE(q, nullptr);
  AddJob();
  auto d = Take(*q, "w1");
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(q->Retry(*d, 5000, "busy").value(), RetryOutcome::kRequeued);
  clock_.Advance(4999);
  EXPECT_FALSE(Take(*q, "w1").has_value());
  clock_.Advance(1);
  EXPECT_TRUE(Take(*q, "w1").has_value());
}

TEST_F(LocalQueueTest, AJobThatKeepsKillingWorkersIsFailed) {
  auto q = Open("local://?lease_ms=100");
  ASSERT_NE(q, nullptr);
  std::string id = AddJob(/*max_attempts=*/2);
  ASSERT_TRUE(Take(*q, "w1").has_value());
  clock_.Advance(101);
  auto second = Take(*q, "w2");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->delivery_count, 2);
  clock_.Advance(101);
  EXPECT_FALSE(Take(*q, "w3").has_value());  // third delivery refused
  auto job = store_->GetJob(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kFailed);
  EXPECT_EQ(job->error_code, "attempts_exhausted");
  EXPECT_FALSE(job->lease_owner.has_value());
}

TEST_F(LocalQueueTest, OpeningRequeuesJobsOfAPreviousProcess) {
  std::string running = AddJob();
  std::string waiting = AddJob();
  ASSERT_TRUE(store_->ClaimNextJob("old-process", 3'600'000, clock_.NowMs()).value());
  {
    auto keep = Open("local://?requeue_on_start=0");
    ASSERT_NE(keep, nullptr);
    auto d = Take(*keep, "w");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->job_id, waiting);  // the running job still belongs to old-process
    ASSERT_TRUE(store_->ReleaseLease(d->job_id, "w"));
    store::JobTransition done;
    done.job_id = waiting;
    done.to = JobStatus::kDone;
    ASSERT_TRUE(store_->TransitionJob(done));
  }
  auto q = Open("local://");
  ASSERT_NE(q, nullptr);
  auto d = Take(*q, "new-process");  // no need to wait an hour for the lease
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->job_id, running);
  EXPECT_EQ(d->delivery_count, 2);
}

TEST_F(LocalQueueTest, DequeueSleepsOnlyUntilTheNextDueJob) {
  // Real time here: a retry due in 150 ms must be picked up about then, not
  // after the 10 s poll interval.
  auto s = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->Migrate());
  store::User u;
  u.name = "u";
  std::string uid = (*s)->CreateUser(u).value().id;
  auto q = OpenQueue("local://?poll_ms=10000", **s);
  ASSERT_TRUE(q);
  Job j;
  j.user_id = uid;
  j.status = JobStatus::kQueued;
  j.voice_id = "v";
  j.text = "t";
  j.format = "wav";
  j.next_attempt_at = NowMs() + 150;
  ASSERT_TRUE((*s)->CreateJob(j, {}));
  auto start = std::chrono::steady_clock::now();
  auto d = (*q)->Dequeue("w", 5000);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  ASSERT_TRUE(d && d->has_value());
  EXPECT_GE(waited, 100);
  EXPECT_LT(waited, 2000);
}

TEST(OpenQueueTest, RejectsBadUrlsNamingTheSetting) {
  auto s = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(s);
  for (const char* url : {"", "local:", "local://host", "local://?lease_ms=0", "local://?poll_ms=x",
                          "local://?requeue_on_start=2", "local://?colour=blue", "amqp://broker"}) {
    auto q = OpenQueue(url, **s);
    ASSERT_FALSE(q) << url;
    EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(q.error().field, "VOX_QUEUE_URL") << url;
  }
  // Nothing listens on port 1: unavailable (or not built), never echoing the password.
  auto redis = OpenQueue("redis://:secret@127.0.0.1:1/0", **s);
  ASSERT_FALSE(redis);
  EXPECT_EQ(redis.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(redis.error().message.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace vox::queue
