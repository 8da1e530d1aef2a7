// ParseRedisQueueUrl: what a VOX_QUEUE_URL of the redis:// shape means.
#include <gtest/gtest.h>

#include "queue/redis/redis_queue.h"

namespace vox::queue::redis {
namespace {

TEST(RedisQueueUrlTest, ParsesAddressAndOptions) {
  auto o =
      ParseRedisQueueUrl("redis://:pw@cache.internal:6380/2?lease_ms=1500&poll_ms=30&stream=s1");
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->endpoint.host, "cache.internal");
  EXPECT_EQ(o->endpoint.port, 6380);
  EXPECT_EQ(o->endpoint.db, 2);
  EXPECT_EQ(o->endpoint.password, "pw");
  EXPECT_EQ(o->lease_ms, 1500);
  EXPECT_EQ(o->poll_ms, 30);
  EXPECT_EQ(o->stream, "s1");
}

TEST(RedisQueueUrlTest, DefaultsStreamAndLease) {
  auto o = ParseRedisQueueUrl("redis://localhost");
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->stream, "vox:jobs");
  EXPECT_EQ(o->lease_ms, 30'000);
}

TEST(RedisQueueUrlTest, RejectsBadUrlsWithoutEchoingThePassword) {
  for (const char* url : {"redis://", "redis://:secret@h:0/0", "redis://h:x",
                          "redis://h/0?lease_ms=0", "redis://h/0?poll_ms=", "redis://h/0?stream=",
                          "redis://:secret@h/0?colour=blue", "rediss://h/0"}) {
    auto o = ParseRedisQueueUrl(url);
    ASSERT_FALSE(o) << url;
    EXPECT_EQ(o.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(o.error().field, "VOX_QUEUE_URL") << url;
    EXPECT_EQ(o.error().message.find("secret"), std::string::npos) << o.error().message;
  }
}

}  // namespace
}  // namespace vox::queue::redis
