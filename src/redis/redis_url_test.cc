// ParseRedisUrl: what the address part of a redis:// setting means.
#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace vox::redis {
namespace {

TEST(RedisUrlTest, ParsesHostPortDbPasswordAndKeepsOptionsInOrder) {
  auto u = ParseRedisUrl("redis://:pw@cache.internal:6380/2?lease_ms=1500&stream=s1", "VOX_X");
  ASSERT_TRUE(u) << u.error().ToString();
  EXPECT_EQ(u->endpoint.host, "cache.internal");
  EXPECT_EQ(u->endpoint.port, 6380);
  EXPECT_EQ(u->endpoint.db, 2);
  EXPECT_EQ(u->endpoint.password, "pw");
  ASSERT_EQ(u->options.size(), 2u);
  EXPECT_EQ(u->options[0], std::make_pair(std::string("lease_ms"), std::string("1500")));
  EXPECT_EQ(u->options[1], std::make_pair(std::string("stream"), std::string("s1")));
}

TEST(RedisUrlTest, DefaultsPortAndDb) {
  auto u = ParseRedisUrl("redis://localhost", "VOX_X");
  ASSERT_TRUE(u) << u.error().ToString();
  EXPECT_EQ(u->endpoint.host, "localhost");
  EXPECT_EQ(u->endpoint.port, 6379);
  EXPECT_EQ(u->endpoint.db, 0);
  EXPECT_TRUE(u->endpoint.password.empty());
  EXPECT_TRUE(u->options.empty());
}

TEST(RedisUrlTest, RejectsBadAddressesNamingTheSettingWithoutEchoingThePassword) {
  for (const char* url : {"redis://", "redis://:secret@h:0/0", "redis://:secret@h:99999",
                          "redis://h:x", "redis://h/abc", "rediss://h/0", "http://h"}) {
    auto u = ParseRedisUrl(url, "VOX_CACHE_URL");
    ASSERT_FALSE(u) << url;
    EXPECT_EQ(u.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(u.error().field, "VOX_CACHE_URL") << url;
    EXPECT_EQ(u.error().message.find("secret"), std::string::npos) << u.error().message;
  }
}

}  // namespace
}  // namespace vox::redis
