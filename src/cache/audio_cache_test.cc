// Every AudioCache backend behaves the same: the Store's table and Redis
// (a real redis-server on loopback, skipped only where none is installed).
#include "cache/audio_cache.h"

#include <gtest/gtest.h>

#include "redis/testing/redis_test_server.h"

namespace vox::cache {
namespace {

using store::CacheEntry;

struct Backend {
  std::string name;
};

class AudioCacheTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto s = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    std::string url = "database";
    if (GetParam().name == "redis") {
      auto server = vox::redis::testing::RedisTestServer::Start();
      if (!server) GTEST_SKIP() << server.error().ToString();
      redis_ = std::move(*server);
      url = redis_->Url("?ttl_s=60&prefix=test:cache");
    }
    auto c = OpenAudioCache(url, *store_);
    ASSERT_TRUE(c) << c.error().ToString();
    cache_ = std::move(*c);
    EXPECT_EQ(cache_->name(), GetParam().name);
  }

  std::unique_ptr<vox::redis::testing::RedisTestServer> redis_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AudioCache> cache_;
};

TEST_P(AudioCacheTest, PutGetTouchRemove) {
  auto missing = cache_->Get("k1");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  CacheEntry e{"k1", "audio/j1.wav", "wav", 1.25, 4096, 1000, 1000, 0};
  ASSERT_TRUE(cache_->Put(e));
  auto got = cache_->Get("k1");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->audio_key, "audio/j1.wav");
  EXPECT_EQ((*got)->format, "wav");
  EXPECT_DOUBLE_EQ((*got)->duration_s, 1.25);
  EXPECT_EQ((*got)->audio_bytes, 4096);
  EXPECT_EQ((*got)->created_at, 1000);
  EXPECT_EQ((*got)->hits, 0);

  ASSERT_TRUE(cache_->Touch("k1", 2000));
  ASSERT_TRUE(cache_->Touch("k1", 3000));
  got = cache_->Get("k1");
  EXPECT_EQ((*got)->hits, 2);
  EXPECT_EQ((*got)->last_hit_at, 3000);

  // Replacing keeps the hit count.
  e.audio_key = "audio/j2.mp3";
  e.format = "mp3";
  ASSERT_TRUE(cache_->Put(e));
  got = cache_->Get("k1");
  EXPECT_EQ((*got)->audio_key, "audio/j2.mp3");
  EXPECT_EQ((*got)->hits, 2);

  ASSERT_TRUE(cache_->Remove("k1"));
  ASSERT_TRUE(cache_->Remove("k1"));  // idempotent
  EXPECT_FALSE(cache_->Get("k1")->has_value());
  EXPECT_TRUE(cache_->Touch("k1", 4000));  // gone: a no-op, not an error
  EXPECT_FALSE(cache_->Get("k1")->has_value());
}

INSTANTIATE_TEST_SUITE_P(backends, AudioCacheTest,
                         ::testing::Values(Backend{"database"}, Backend{"redis"}),
                         [](const auto& info) { return info.param.name; });

TEST(AudioCacheUrl, UnknownSchemesAndOptionsNameTheSetting) {
  auto s = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(s);
  for (const std::string url : {"memcached://x", "redis://127.0.0.1:1/0?ttl_s=0",
                                "redis://127.0.0.1:1/0?colour=red"}) {
    auto c = OpenAudioCache(url, **s);
    ASSERT_FALSE(c) << url;
    EXPECT_EQ(c.error().field, "VOX_CACHE_URL") << url;
  }
  auto down = OpenAudioCache("redis://127.0.0.1:1/0", **s);  // nothing listens on port 1
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace vox::cache
