// The JobQueue conformance suite. Every backend must pass every TEST_P here;
// a new backend adds one entry to QueueBackends(). Real time is used (short
// leases) because a server-side queue such as Redis keeps its own clock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "queue/job_queue.h"
#if VOX_HAVE_REDIS_QUEUE
#include "redis/testing/redis_test_server.h"
#endif

namespace vox::queue {
namespace {

using namespace std::chrono_literals;
using store::Job;
using store::JobStatus;
using Steady = std::chrono::steady_clock;

constexpr int64_t kLeaseMs = 400;

struct QueueBackend {
  std::string name;
  // A queue over `store` whose lease (visibility timeout) is `lease_ms`.
  std::function<Result<std::unique_ptr<JobQueue>>(store::Store&, int64_t lease_ms)> open;
};

void PrintTo(const QueueBackend& b, std::ostream* os) { *os << b.name; }

std::vector<QueueBackend> QueueBackends() {
  return {
    {"local",
     [](store::Store& s, int64_t lease_ms) {
       return OpenQueue("local://?poll_ms=20&lease_ms=" + std::to_string(lease_ms), s);
     }},
#if VOX_HAVE_REDIS_QUEUE
        {"redis", [](store::Store& s, int64_t lease_ms) -> Result<std::unique_ptr<JobQueue>> {
           // One server per test binary; a fresh stream per test keeps tests apart.
           static std::atomic<int> streams{0};
           VOX_ASSIGN_OR_RETURN(auto* server, vox::redis::testing::SharedRedisTestServer());
           return OpenQueue(server->Url("?poll_ms=50&lease_ms=" + std::to_string(lease_ms) +
                                        "&stream=conformance-" + std::to_string(++streams)),
                            s);
         }},
#endif
  };
}

int64_t MsSince(Steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - t).count();
}

class QueueConformance : public ::testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vox-queue-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = store::OpenStore("sqlite://" + dir_ + "/vox.db");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    store::User u;
    u.name = "queue-test";
    auto created = store_->CreateUser(u);
    ASSERT_TRUE(created);
    user_id_ = created->id;
    auto q = GetParam().open(*store_, kLeaseMs);
    if (!q && q.error().code == ErrorCode::kUnavailable) GTEST_SKIP() << q.error().ToString();
    ASSERT_TRUE(q) << q.error().ToString();
    queue_ = std::move(*q);
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Stores a queued job and enqueues it, as the API does.
  std::string Submit(int max_attempts = 3) {
    Job j;
    j.user_id = user_id_;
    j.status = JobStatus::kQueued;
    j.voice_id = "flite-slt";
    j.text = "hello";
    j.format = "wav";
    j.max_attempts = max_attempts;
    auto r = store_->CreateJob(j, {{0, "", JobStatus::kQueued, 0, 0, ""}});
    EXPECT_TRUE(r) << r.error().ToString();
    EXPECT_TRUE(queue_->Enqueue(r->job.id));
    return r->job.id;
  }

  std::optional<Delivery> Take(const std::string& worker, int64_t wait_ms) {
    auto d = queue_->Dequeue(worker, wait_ms);
    EXPECT_TRUE(d) << d.error().ToString();
    return d ? *d : std::nullopt;
  }

  // What a worker does on success: record done under its lease, then ack.
  void Complete(const Delivery& d) {
    store::JobTransition done;
    done.job_id = d.job_id;
    done.to = JobStatus::kDone;
    done.lease_owner = d.worker_id;
    auto moved = store_->TransitionJob(done);
    ASSERT_TRUE(moved && *moved);
    ASSERT_TRUE(queue_->Ack(d));
  }

  std::string dir_;
  std::string user_id_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_P(QueueConformance, DeliversAnEnqueuedJobToOneWorker) {
  std::string id = Submit();
  auto d = Take("w1", 0);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->job_id, id);
  EXPECT_EQ(d->delivery_count, 1);
  EXPECT_EQ(d->worker_id, "w1");
  EXPECT_FALSE(d->delivery_id.empty());
  EXPECT_FALSE(Take("w2", 0).has_value());
  Complete(*d);
  std::this_thread::sleep_for(std::chrono::milliseconds(kLeaseMs + 100));
  EXPECT_FALSE(Take("w2", 0).has_value());  // acked: never redelivered
  EXPECT_EQ(queue_->lease_ms(), kLeaseMs);
}

TEST_P(QueueConformance, DequeueTimesOutWhenEmpty) {
  auto start = Steady::now();
  EXPECT_FALSE(Take("w1", 150).has_value());
  EXPECT_GE(MsSince(start), 140);
  start = Steady::now();
  EXPECT_FALSE(Take("w1", 0).has_value());
  EXPECT_LT(MsSince(start), 100);
}

TEST_P(QueueConformance, WaitingDequeueWakesOnEnqueue) {
  std::optional<Delivery> got;
  int64_t waited = 0;
  std::thread consumer([&] {
    auto start = Steady::now();
    got = Take("w1", 10000);
    waited = MsSince(start);
  });
  std::this_thread::sleep_for(100ms);
  std::string id = Submit();
  consumer.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->job_id, id);
  EXPECT_LT(waited, 2000);  // woke on the enqueue, not at the end of the wait
}

TEST_P(QueueConformance, ManyWorkersRunEveryJobOnce) {
  constexpr int kJobs = 40;
  std::set<std::string> submitted;
  for (int i = 0; i < kJobs; ++i) submitted.insert(Submit());
  std::mutex mu;
  std::map<std::string, int> runs;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        auto d = Take("w" + std::to_string(w), 50);
        if (!d) return;
        Complete(*d);
        std::lock_guard<std::mutex> lock(mu);
        ++runs[d->job_id];
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(runs.size(), submitted.size());
  for (const auto& [id, n] : runs) {
    EXPECT_EQ(n, 1) << id;
    EXPECT_TRUE(submitted.count(id)) << id;
  }
  auto depth = queue_->Depth();
  ASSERT_TRUE(depth);
  EXPECT_EQ(*depth, 0);
}

TEST_P(QueueConformance, RetryRedeliversAfterTheDelay) {
  std::string id = Submit();
  auto d = Take("w1", 0);
  ASSERT_TRUE(d.has_value());
  auto retried = queue_->Retry(*d, 300, "engine busy");
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(*retried, RetryOutcome::kRequeued);
  auto start = Steady::now();
  EXPECT_FALSE(Take("w2", 0).has_value());  // not before the delay
  auto again = Take("w2", 3000);
  ASSERT_TRUE(again.has_value());
  EXPECT_GE(MsSince(start), 250);
  EXPECT_EQ(again->job_id, id);
  EXPECT_EQ(again->delivery_count, 2);
  EXPECT_EQ(again->worker_id, "w2");
  auto events = store_->ListJobEvents(id);
  ASSERT_TRUE(events);
  bool logged = false;
  for (const auto& e : *events) logged |= e.message.find("engine busy") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST_P(QueueConformance, RetryDeadLettersWhenAttemptsAreExhausted) {
  std::string id = Submit(/*max_attempts=*/2);
  auto d1 = Take("w1", 0);
  ASSERT_TRUE(d1.has_value());
  EXPECT_EQ(queue_->Retry(*d1, 0, "flaky").value_or(RetryOutcome::kDropped),
            RetryOutcome::kRequeued);
  auto d2 = Take("w1", 1000);
  ASSERT_TRUE(d2.has_value());
  EXPECT_EQ(queue_->Retry(*d2, 0, "flaky again").value_or(RetryOutcome::kDropped),
            RetryOutcome::kDeadLettered);
  auto job = store_->GetJob(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kFailed);
  EXPECT_EQ(job->error_message, "flaky again");
  EXPECT_TRUE(job->error_code.has_value());
  EXPECT_FALSE(Take("w1", 100).has_value());
  EXPECT_EQ(queue_->Depth().value_or(-1), 0);
}

TEST_P(QueueConformance, ReleaseRedeliversAtOnceWithoutUsingAnAttempt) {
  std::string id = Submit(/*max_attempts=*/1);
  auto d = Take("draining", 0);
  ASSERT_TRUE(d.has_value());
  auto released = queue_->Release(*d, "worker shutting down", 0);
  ASSERT_TRUE(released) << released.error().ToString();
  EXPECT_EQ(*released, RetryOutcome::kRequeued);
  auto again = Take("w2", 1000);  // not dead-lettered although max_attempts is 1
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->job_id, id);
  Complete(*again);
  EXPECT_EQ(store_->GetJob(id)->status, JobStatus::kDone);
  EXPECT_EQ(queue_->Release(*again, "late", 0).value_or(RetryOutcome::kRequeued),
            RetryOutcome::kDropped);  // done jobs stay done
}

TEST_P(QueueConformance, ReleaseWithADelayWaitsThatLongWithoutUsingAnAttempt) {
  std::string id = Submit(/*max_attempts=*/1);
  auto d = Take("w1", 0);
  ASSERT_TRUE(d.has_value());
  const auto released_at = std::chrono::steady_clock::now();
  auto released = queue_->Release(*d, "waiting for a slot", 800);
  ASSERT_TRUE(released) << released.error().ToString();
  EXPECT_EQ(*released, RetryOutcome::kRequeued);
  EXPECT_FALSE(Take("w2", 300).has_value());  // still waiting out its delay
  auto again = Take("w2", 3000);
  ASSERT_TRUE(again.has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - released_at, std::chrono::milliseconds(700));
  EXPECT_EQ(again->job_id, id);
  Complete(*again);  // its one attempt was not spent by the hand-back
  EXPECT_EQ(store_->GetJob(id)->status, JobStatus::kDone);
}

TEST_P(QueueConformance, RetryOfACanceledJobIsDropped) {
  std::string id = Submit();
  auto d = Take("w1", 0);
  ASSERT_TRUE(d.has_value());
  store::JobTransition cancel;
  cancel.job_id = id;
  cancel.to = JobStatus::kCanceled;
  ASSERT_TRUE(store_->TransitionJob(cancel));
  EXPECT_EQ(queue_->Retry(*d, 0, "x").value_or(RetryOutcome::kRequeued), RetryOutcome::kDropped);
  auto hb = queue_->Heartbeat(*d);
  ASSERT_FALSE(hb);
  EXPECT_EQ(hb.error().code, ErrorCode::kCanceled);  // tells the worker to stop
  EXPECT_FALSE(Take("w2", 0).has_value());
}

TEST_P(QueueConformance, HeartbeatKeepsTheJobFromBeingRedelivered) {
  std::string id = Submit();
  auto d = Take("w1", 0);
  ASSERT_TRUE(d.has_value());
  auto start = Steady::now();
  while (MsSince(start) < 3 * kLeaseMs) {
    ASSERT_TRUE(queue_->Heartbeat(*d));
    EXPECT_FALSE(Take("w2", 0).has_value()) << "redelivered despite heartbeats";
    std::this_thread::sleep_for(std::chrono::milliseconds(kLeaseMs / 4));
  }
  // w1 goes silent: its job comes back to someone else.
  auto again = Take("w2", 5 * kLeaseMs);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->job_id, id);
  EXPECT_EQ(again->delivery_count, 2);
  auto hb = queue_->Heartbeat(*d);  // the old delivery is dead
  ASSERT_FALSE(hb);
  EXPECT_EQ(hb.error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(QueueConformance, ADeadWorkersJobIsRedeliveredAfterTheLease) {
  std::string id = Submit();
  auto start = Steady::now();
  auto d = Take("doomed", 0);
  ASSERT_TRUE(d.has_value());
  // "doomed" never acks, retries nor heartbeats.
  auto again = Take("survivor", 5 * kLeaseMs);
  ASSERT_TRUE(again.has_value());
  EXPECT_GE(MsSince(start), kLeaseMs - 50);
  EXPECT_EQ(again->job_id, id);
  EXPECT_EQ(again->delivery_count, 2);
  Complete(*again);
  auto job = store_->GetJob(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kDone);
  EXPECT_TRUE(queue_->Ack(*d));  // a late ack of the lost delivery is harmless
  EXPECT_EQ(store_->GetJob(id)->status, JobStatus::kDone);
}

TEST_P(QueueConformance, DepthCountsWaitingJobs) {
  EXPECT_EQ(queue_->Depth().value_or(-1), 0);
  for (int i = 0; i < 3; ++i) Submit();
  EXPECT_EQ(queue_->Depth().value_or(-1), 3);
  auto d = Take("w1", 0);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(queue_->Depth().value_or(-1), 2);
  ASSERT_TRUE(queue_->Retry(*d, 60000, "later"));
  EXPECT_EQ(queue_->Depth().value_or(-1), 3);  // a delayed job still waits
}

TEST_P(QueueConformance, ShutdownWakesBlockedConsumers) {
  std::atomic<bool> canceled{false};
  int64_t waited = 0;
  std::thread consumer([&] {
    auto start = Steady::now();
    auto d = queue_->Dequeue("w1", 10000);
    waited = MsSince(start);
    canceled = !d && d.error().code == ErrorCode::kCanceled;
  });
  std::this_thread::sleep_for(100ms);
  queue_->Shutdown();
  consumer.join();
  EXPECT_TRUE(canceled.load());
  EXPECT_LT(waited, 2000);
}

INSTANTIATE_TEST_SUITE_P(queue_backends, QueueConformance, ::testing::ValuesIn(QueueBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vox::queue
