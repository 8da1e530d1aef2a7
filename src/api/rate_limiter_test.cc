// Rate limits: the plan's rate drives each key's bucket; buckets in Redis are
// shared by every API process (two limiters on one real redis-server here).
#include "api/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>

#include "api/usage_meter.h"
#include "redis/testing/redis_test_server.h"

namespace vox::api {
namespace {

Principal Caller(const std::string& user_id, const std::string& key_id) {
  Principal p;
  p.user_id = user_id;
  p.key_id = key_id;
  return p;
}

TEST(LocalTokenBuckets, RefillsAtTheRateUpToTheBurst) {
  ManualClock clock;
  LocalTokenBuckets buckets(clock);
  int retry = 0;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*buckets.Take("k", 1, 3, &retry)) << i;
  EXPECT_FALSE(*buckets.Take("k", 1, 3, &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(*buckets.Take("other", 1, 3, &retry));  // keys are separate
  clock.Advance(1000);
  EXPECT_TRUE(*buckets.Take("k", 1, 3, &retry));
  EXPECT_FALSE(*buckets.Take("k", 1, 3, &retry));
}

TEST(RateLimiter, APlansRateReplacesTheDefault) {
  auto store = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->Migrate());
  ASSERT_TRUE((*store)->UpsertPlan({.name = "slow", .rate = 1}));
  store::User slow_user{.name = "s", .plan = "slow"};
  auto slow = (*store)->CreateUser(slow_user);
  auto plain = (*store)->CreateUser(store::User{.name = "p"});
  ASSERT_TRUE(slow && plain);
  ManualClock clock;
  UsageMeter meter(**store, clock);
  RateLimiter limiter(100, 200, clock);
  limiter.UsePlans(&meter);
  int retry = 0;
  // Plan rate 1/s: a burst of 2, then refused with Retry-After 1.
  Principal s = Caller(slow->id, "key-s");
  EXPECT_TRUE(limiter.Allow(s, &retry));
  EXPECT_TRUE(limiter.Allow(s, &retry));
  EXPECT_FALSE(limiter.Allow(s, &retry));
  EXPECT_EQ(retry, 1);
  // No plan row: the process default (100/s, burst 200).
  Principal p = Caller(plain->id, "key-p");
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(limiter.Allow(p, &retry)) << i;
  EXPECT_FALSE(limiter.Allow(p, &retry));
}

class SharedBuckets : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = redis::testing::SharedRedisTestServer();
    if (!server) GTEST_SKIP() << server.error().message;
    url_ = (*server)->Url(
        "?prefix=t" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ":");
  }
  std::string url_;
};

// Two API processes (two limiters, each with its own connections) draw from
// one bucket per key: together they allow the burst once, not twice.
TEST_F(SharedBuckets, TwoProcessesShareOneBucketPerKey) {
  auto a = OpenRedisTokenBuckets(url_);
  auto b = OpenRedisTokenBuckets(url_);
  ASSERT_TRUE(a && b) << (a ? b.error().ToString() : a.error().ToString());
  int retry = 0;
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    auto& which = i % 2 == 0 ? *a : *b;
    auto taken = which->Take("key-1", 0.5, 4, &retry);
    ASSERT_TRUE(taken) << taken.error().ToString();
    allowed += *taken ? 1 : 0;
  }
  EXPECT_EQ(allowed, 4);
  EXPECT_EQ(retry, 2);  // half a token a second: two seconds to the next one
  EXPECT_TRUE(*(*b)->Take("key-2", 0.5, 4, &retry));  // another key, its own bucket
}

// Racing threads in both "processes": never more than the burst gets through.
TEST_F(SharedBuckets, ConcurrentTakesNeverExceedTheBurst) {
  auto a = OpenRedisTokenBuckets(url_);
  auto b = OpenRedisTokenBuckets(url_);
  ASSERT_TRUE(a && b);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto& which = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < 20; ++i) {
        int retry = 0;
        auto taken = which->Take("hot", 0.01, 25, &retry);
        if (taken && *taken) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 25);
}

TEST(SharedBucketsUrl, BadUrlsNameTheSetting) {
  auto bad = OpenRedisTokenBuckets("redis://127.0.0.1:1/0?bogus=1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "VOX_RATE_LIMIT_URL");
}

// Redis down: the limiter answers from the process's own buckets, never refusing for it.
TEST(RateLimiter, FallsBackToLocalBucketsWhenRedisIsDown) {
  auto down = OpenRedisTokenBuckets("redis://127.0.0.1:1/0");
  ASSERT_TRUE(down);
  obs::Registry metrics;
  RateLimiter limiter(1, 2);
  limiter.UseShared(std::move(*down), metrics);
  int retry = 0;
  EXPECT_TRUE(limiter.Allow("k", &retry));
  EXPECT_TRUE(limiter.Allow("k", &retry));
  EXPECT_FALSE(limiter.Allow("k", &retry));
  EXPECT_NE(metrics.Render().find("vox_rate_limit_shared_failures_total 3"), std::string::npos)
      << metrics.Render();
}

}  // namespace
}  // namespace vox::api
