// RedisQueue beyond the conformance suite: faults against a real
// redis-server (restart with AOF on, a consumer that dies), the dead-letter
// stream and reconnecting. Each test owns its own server.
#include "queue/redis/redis_queue.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "queue/job_queue.h"
#include "redis/testing/redis_test_server.h"

namespace vox::queue::redis {
namespace {

using namespace ::vox::redis;  // connection, reply helpers, testing::RedisTestServer
using store::Job;
using store::JobStatus;
using Steady = std::chrono::steady_clock;

constexpr int64_t kLeaseMs = 300;

class RedisQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisTestServer::Start();
    if (!server && server.error().code == ErrorCode::kUnavailable) {
      GTEST_SKIP() << server.error().ToString();
    }
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    auto s = store::OpenStore("sqlite://" + server_->dir() + "/vox.db");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    store::User u;
    u.name = "redis-test";
    auto created = store_->CreateUser(u);
    ASSERT_TRUE(created);
    user_id_ = created->id;
    queue_ = Open();
  }

  std::unique_ptr<RedisQueue> Open() {
    auto o = ParseRedisQueueUrl(
        server_->Url("?poll_ms=30&stream=jobs&lease_ms=" + std::to_string(kLeaseMs)));
    EXPECT_TRUE(o);
    auto q = RedisQueue::Open(*store_, *o);
    EXPECT_TRUE(q) << q.error().ToString();
    return q ? std::move(*q) : nullptr;
  }

  // Stores a queued job and enqueues it, as the API does.
  std::string Submit(int max_attempts = 3, const std::string& user_id = "") {
    Job j;
    j.user_id = user_id.empty() ? user_id_ : user_id;
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

  Status Complete(JobQueue& q, const Delivery& d) {
    store::JobTransition done;
    done.job_id = d.job_id;
    done.to = JobStatus::kDone;
    done.lease_owner = d.worker_id;
    VOX_ASSIGN_OR_RETURN(bool moved, store_->TransitionJob(done));
    if (!moved) return Internal("lost the lease of " + d.job_id);
    return q.Ack(d);
  }

  // A raw command on a fresh connection, to look at what the queue left in Redis.
  Reply Raw(const std::vector<std::string>& args) {
    RedisEndpoint e;
    e.port = server_->port();
    auto c = RedisConnection::Open(e);
    EXPECT_TRUE(c);
    auto r = (*c)->Command(args);
    EXPECT_TRUE(r) << r.error().ToString();
    return std::move(*r);
  }

  std::unique_ptr<testing::RedisTestServer> server_;
  std::unique_ptr<store::Store> store_;
  std::string user_id_;
  std::unique_ptr<RedisQueue> queue_;
};

TEST_F(RedisQueueTest, RedisThatLostItsDataIsRefilledFromTheStore) {
  std::set<std::string> submitted;
  for (int i = 0; i < 6; ++i) submitted.insert(Submit());
  auto held = queue_->Dequeue("died-with-redis", 0);  // running when everything is lost
  ASSERT_TRUE(held && held->has_value());
  ASSERT_TRUE(server_->RestartEmpty());

  // The marker is gone: every waiting job goes back at once; the running one
  // once its lease has expired (its worker is gone with Redis's record of it).
  Result<int64_t> put_back = Unavailable("not tried");
  for (int i = 0; i < 3 && !put_back; ++i) put_back = queue_->Reconcile();
  ASSERT_TRUE(put_back) << put_back.error().ToString();
  EXPECT_EQ(*put_back, 5);
  EXPECT_EQ(*queue_->Reconcile(), 0);  // marker set again, nothing stranded yet

  std::this_thread::sleep_for(std::chrono::milliseconds(kLeaseMs + 50));
  auto o = ParseRedisQueueUrl(
      server_->Url("?stream=jobs&stranded_after_ms=1&lease_ms=" + std::to_string(kLeaseMs)));
  ASSERT_TRUE(o);
  auto sweeper = RedisQueue::Open(*store_, *o);
  ASSERT_TRUE(sweeper);
  // Redis still has the 5 waiting: a backlog is not a loss.
  EXPECT_EQ(*(*sweeper)->Reconcile(), 0);
  std::set<std::string> done;
  const auto deadline = Steady::now() + std::chrono::seconds(10);
  while (done.size() < submitted.size() && Steady::now() < deadline) {
    auto d = queue_->Dequeue("survivor", 50);
    ASSERT_TRUE(d) << d.error().ToString();
    if (d->has_value()) {
      ASSERT_TRUE(Complete(*queue_, **d));
      EXPECT_TRUE(done.insert((*d)->job_id).second) << "delivered twice: " << (*d)->job_id;
    } else if (done.size() == submitted.size() - 1) {
      // Only the held job is left, its lease long expired: the sweep finds it.
      EXPECT_EQ(*(*sweeper)->Reconcile(), 1);
    }
  }
  EXPECT_EQ(done, submitted);
  EXPECT_EQ(store_->GetJob((*held)->job_id)->attempts, 2);
}

TEST_F(RedisQueueTest, WorkerPresenceIsSharedAndExpires) {
  auto other = Open();  // another process's view of the same Redis
  ASSERT_TRUE(other);
  WorkerPresence p{.worker_id = "worker-a",
                   .host = "h",
                   .pid = 7,
                   .threads = 2,
                   .busy = 1,
                   .started_at = 1,
                   .last_seen_at = NowMs(),
                   .jobs_finished = 3};
  ASSERT_TRUE(queue_->ReportWorker(p));
  auto seen = other->ListWorkers(5'000);
  ASSERT_TRUE(seen) << seen.error().ToString();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front().ToJson(), p.ToJson());
  p.last_seen_at -= 10'000;  // went quiet 10 s ago
  ASSERT_TRUE(queue_->ReportWorker(p));
  EXPECT_TRUE(other->ListWorkers(5'000)->empty());
  EXPECT_EQ(other->ListWorkers(60'000)->size(), 1u);
  Raw({"HSET", "jobs:workers-seen", "junk", "{not json"});  // never trusted, just dropped
  EXPECT_EQ(other->ListWorkers(60'000)->size(), 1u);
  EXPECT_EQ(Raw({"HEXISTS", "jobs:workers-seen", "junk"})->integer, 0);
  ASSERT_TRUE(queue_->RemoveWorker("worker-a"));
  EXPECT_TRUE(other->ListWorkers(60'000)->empty());
}

TEST_F(RedisQueueTest, RestartWithAofKeepsEveryQueuedJob) {
  std::set<std::string> submitted;
  for (int i = 0; i < 10; ++i) submitted.insert(Submit());
  auto held = queue_->Dequeue("died-in-restart", 0);  // in flight when Redis goes down
  ASSERT_TRUE(held && held->has_value());

  ASSERT_TRUE(server_->Restart());

  // A worker keeps going: a pooled connection found dead is dialed again
  // within the same call. The held job comes back after its lease.
  int unavailable = 0;
  std::set<std::string> done;
  const auto deadline = Steady::now() + std::chrono::seconds(15);
  while (done.size() < submitted.size() && Steady::now() < deadline) {
    auto d = queue_->Dequeue("survivor", 100);
    if (!d) {
      EXPECT_EQ(d.error().code, ErrorCode::kUnavailable) << d.error().ToString();
      ++unavailable;
      continue;
    }
    if (!d->has_value()) continue;
    ASSERT_TRUE(Complete(*queue_, **d));
    EXPECT_TRUE(done.insert((*d)->job_id).second) << "delivered twice: " << (*d)->job_id;
  }
  EXPECT_EQ(unavailable, 0);
  EXPECT_EQ(done, submitted);
  for (const auto& id : submitted) EXPECT_EQ(store_->GetJob(id)->status, JobStatus::kDone) << id;
  EXPECT_EQ(store_->GetJob((*held)->job_id)->attempts, 2);
  auto stats = queue_->Stats();
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->backlog + stats->pending + stats->delayed, 0);
}

TEST_F(RedisQueueTest, CallsFailUnavailableWhileRedisIsDownAndRecover) {
  std::string id = Submit();
  server_->Kill();
  auto enq = queue_->Enqueue(id);
  ASSERT_FALSE(enq);
  EXPECT_EQ(enq.error().code, ErrorCode::kUnavailable);
  auto d = queue_->Dequeue("w", 50);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(server_->Restart());
  d = queue_->Dequeue("w", 1000);
  ASSERT_TRUE(d) << d.error().ToString();
  ASSERT_TRUE(d->has_value());  // the first enqueue was durable (AOF, fsync always)
  EXPECT_EQ((*d)->job_id, id);
  EXPECT_EQ(queue_->Depth().value_or(-1), 0);  // the failed second Enqueue never landed
  auto none = queue_->Dequeue("w2", 0);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST_F(RedisQueueTest, ADeadConsumersJobGoesToAnotherConsumer) {
  std::string id = Submit();
  {
    auto other_process = Open();
    auto d = other_process->Dequeue("consumer-a", 0);
    ASSERT_TRUE(d && d->has_value());
    // consumer-a's process dies here: no ack, no heartbeat.
  }
  auto start = Steady::now();
  auto d = queue_->Dequeue("consumer-b", 5 * kLeaseMs);
  ASSERT_TRUE(d && d->has_value());
  EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count(),
            kLeaseMs - 100);
  EXPECT_EQ((*d)->job_id, id);
  EXPECT_EQ((*d)->delivery_count, 2);
  // Redis counted the second delivery too: [[id, consumer, idle, count]].
  Reply pending = Raw({"XPENDING", "jobs", "jobs:workers", "-", "+", "10"});
  ASSERT_EQ(pending->elements, 1u);
  EXPECT_EQ(Str(Element(Element(pending.get(), 0), 1)), "consumer-b");
  EXPECT_EQ(Int(Element(Element(pending.get(), 0), 3)), 2);
  ASSERT_TRUE(Complete(*queue_, **d));
  auto events = store_->ListJobEvents(id);
  ASSERT_TRUE(events);
  bool logged = false;  // the Store's log says who reclaimed it from whom
  for (const auto& e : *events) {
    logged |= e.message.find("reclaimed by consumer-b") != std::string::npos &&
              e.message.find("consumer-a") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  auto stats = queue_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pending, 0);
}

TEST_F(RedisQueueTest, ExhaustedJobsGoToTheDeadLetterStream) {
  std::string retried = Submit(/*max_attempts=*/1);
  auto d = queue_->Dequeue("w1", 0);
  ASSERT_TRUE(d && d->has_value());
  EXPECT_EQ(queue_->Retry(**d, 0, "engine crashed").value_or(RetryOutcome::kDropped),
            RetryOutcome::kDeadLettered);

  std::string abandoned = Submit(/*max_attempts=*/1);
  d = queue_->Dequeue("doomed", 0);
  ASSERT_TRUE(d && d->has_value());
  auto again = queue_->Dequeue("w2", 3 * kLeaseMs);  // reclaims it, but attempts are used up
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
  auto job = store_->GetJob(abandoned);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kFailed);
  EXPECT_EQ(job->error_code, "attempts_exhausted");

  Reply dead = Raw({"XRANGE", "jobs:dead", "-", "+"});
  ASSERT_EQ(dead->elements, 2u);
  auto field = [&](size_t entry, size_t i) {
    return Str(Element(Element(Element(dead.get(), entry), 1), i));
  };
  EXPECT_EQ(field(0, 1), retried);
  EXPECT_EQ(field(0, 3), "engine crashed");
  EXPECT_EQ(field(1, 1), abandoned);
  auto stats = queue_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->dead, 2);
  EXPECT_EQ(stats->pending + stats->backlog + stats->delayed, 0);
}

// The stream is first-in first-out, but an entry is only a turn to run some
// job: the Store picks which (round robin across users), so a user's burst
// enqueued first does not hold back another user's job.
TEST_F(RedisQueueTest, ClaimsRotateAcrossUsersWhateverTheStreamOrder) {
  store::User other;
  other.name = "redis-test-b";
  auto b = store_->CreateUser(other);
  ASSERT_TRUE(b);
  std::set<std::string> a_jobs;
  for (int i = 0; i < 10; ++i) a_jobs.insert(Submit());
  auto first = queue_->Dequeue("w1", 1000);
  ASSERT_TRUE(first && *first);
  EXPECT_TRUE(a_jobs.count((*first)->job_id));
  const std::string b_job = Submit(3, b->id);  // the stream's last entry
  auto second = queue_->Dequeue("w2", 1000);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->job_id, b_job);
  // Every job is still delivered exactly once, and the stream drains.
  std::set<std::string> delivered = {(*first)->job_id, (*second)->job_id};
  ASSERT_TRUE(Complete(*queue_, **first));
  ASSERT_TRUE(Complete(*queue_, **second));
  while (true) {
    auto d = queue_->Dequeue("w1", 200);
    ASSERT_TRUE(d) << d.error().ToString();
    if (!*d) break;
    EXPECT_TRUE(delivered.insert((*d)->job_id).second) << (*d)->job_id;
    ASSERT_TRUE(Complete(*queue_, **d));
  }
  EXPECT_EQ(delivered.size(), 11u);
  auto stats = queue_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->backlog, 0);
  EXPECT_EQ(stats->pending, 0);
}

}  // namespace
}  // namespace vox::queue::redis
