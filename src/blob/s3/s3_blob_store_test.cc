// S3BlobStore beyond the conformance suite, against a real s3rver: presigned
// URLs, paging, virtual-host addressing, range edges, bad bucket/credentials.
#include "blob/s3/s3_blob_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "blob/s3/testing/run_process.h"
#include "blob/s3/testing/s3rver_process.h"
#include "common/crypto.h"

namespace vox::blob {
namespace {
namespace fs = std::filesystem;

std::string AllBytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 256) & 0xff);
  return s;
}

// Small retry settings so fault tests finish quickly.
void MakeQuick(S3Config& config) {
  config.max_attempts = 3;
  config.backoff_base_ms = 10;
  config.backoff_max_ms = 50;
  config.connect_timeout_ms = 500;
  config.request_timeout_ms = 2000;
}

class S3rverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = testing::SharedS3rver(&why);
    if (server_ == nullptr) {
      if (testing::TestServicesRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    testing::S3rverProcess::ExportCredentials();
    prefix_ = "store-" + RandomToken(12);
  }

  S3Config Config(const std::string& bucket = "vox-test") {
    auto config = S3Config::FromUrl(server_->StorageUrl(bucket, prefix_));
    EXPECT_TRUE(config) << config.error().ToString();
    MakeQuick(*config);
    return *config;
  }

  std::unique_ptr<S3BlobStore> Open(const S3Config& config, const Clock& clock = Clock::System()) {
    auto store = S3BlobStore::Open(config, clock);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  // GET with the curl command line, no credentials: (HTTP status, body).
  std::pair<int, std::string> CurlGet(const std::string& url) {
    auto r = testing::RunProcess({"curl", "-sS", "-w", "\n%{http_code}", url}, 30);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    size_t nl = r.out.rfind('\n');
    return {std::atoi(r.out.c_str() + nl + 1), r.out.substr(0, nl)};
  }

  testing::S3rverProcess* server_ = nullptr;
  std::string prefix_;
};

TEST_F(S3rverTest, PresignedUrlServesTheBytesToPlainCurl) {
  auto store = Open(Config());
  const std::string data = AllBytes(70000);
  ASSERT_TRUE(store->Put("audio/p.wav", data, "audio/wav"));
  auto url = store->PresignedGetUrl("audio/p.wav", 300);
  ASSERT_TRUE(url && *url);
  EXPECT_NE(url->value().find("X-Amz-Expires=300"), std::string::npos);
  auto [status, body] = CurlGet(**url);
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(body == data) << "presigned GET returned " << body.size() << " bytes";
}

// s3rver enforces X-Amz-Date + X-Amz-Expires and that the access key exists.
// It does not recompute SigV4 signatures (a changed X-Amz-Signature passes
// there), so signature correctness is proven by the AWS vectors and by
// byte-for-byte agreement with awscli's presigner (blob_s3_awscli_test).
TEST_F(S3rverTest, ExpiredOrForgedPresignedUrlIsRefused) {
  ManualClock two_hours_ago(NowMs() - 2 * 3600 * 1000);
  auto past = Open(Config(), two_hours_ago);
  // Header-signed requests from a skewed clock are refused too.
  auto skewed = past->Put("e.bin", "secret bytes", "application/octet-stream");
  ASSERT_FALSE(skewed);
  EXPECT_EQ(skewed.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(skewed.error().message.find("RequestTimeTooSkewed"), std::string::npos);

  ASSERT_TRUE(Open(Config())->Put("e.bin", "secret bytes", "application/octet-stream"));
  auto expired = past->PresignedGetUrl("e.bin", 3600);
  ASSERT_TRUE(expired && *expired);
  auto [status, body] = CurlGet(**expired);
  EXPECT_EQ(status, 403);
  EXPECT_NE(body.find("AccessDenied"), std::string::npos) << body;
  EXPECT_EQ(body.find("secret bytes"), std::string::npos);

  auto fresh = Open(Config())->PresignedGetUrl("e.bin", 3600);
  ASSERT_TRUE(fresh && *fresh);
  std::string forged = **fresh;
  size_t at = forged.find("X-Amz-Credential=S3RVER");
  ASSERT_NE(at, std::string::npos);
  forged.replace(at, 23, "X-Amz-Credential=FORGED");
  auto [forged_status, forged_body] = CurlGet(forged);
  EXPECT_EQ(forged_status, 403);
  EXPECT_NE(forged_body.find("InvalidAccessKeyId"), std::string::npos) << forged_body;
}

TEST_F(S3rverTest, ListFollowsContinuationTokens) {
  S3Config config = Config();
  config.list_page_size = 2;
  auto store = Open(config);
  std::vector<std::string> expected;
  for (int i = 0; i < 7; ++i) {
    std::string key = "pages/k" + std::to_string(i) + ".bin";
    ASSERT_TRUE(store->Put(key, "x", "x/y"));
    expected.push_back(key);
  }
  ASSERT_TRUE(store->Put("pagesX/other.bin", "x", "x/y"));
  auto keys = store->List("pages/");
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(*keys, expected);
  auto all = store->List("");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 8u);
}

TEST_F(S3rverTest, VirtualHostStyleReachesTheSameBucket) {
  S3Config vhost = Config();
  vhost.endpoint = server_->VhostEndpoint();
  vhost.path_style = false;
  ASSERT_TRUE(vhost.Validate()) << vhost.Validate().error().ToString();
  EXPECT_EQ(vhost.HostHeader(), "vox-test.s3.localhost:" + std::to_string(server_->port()));
  auto store = Open(vhost);
  ASSERT_TRUE(store->Ping());
  ASSERT_TRUE(store->Put("v/h.txt", "virtual", "text/plain"));
  EXPECT_EQ(*store->Get("v/h.txt"), "virtual");
  EXPECT_EQ(*store->GetRange("v/h.txt", 1, 3), "irt");
  EXPECT_EQ(store->Head("v/h.txt")->content_type, "text/plain");
  EXPECT_EQ(*store->List("v/"), std::vector<std::string>{"v/h.txt"});
  // The path-style store sees the object the virtual-host store wrote.
  EXPECT_EQ(*Open(Config())->Get("v/h.txt"), "virtual");
  EXPECT_TRUE(store->Delete("v/h.txt"));
  EXPECT_EQ(Open(Config())->Get("v/h.txt").error().code, ErrorCode::kNotFound);
}

TEST_F(S3rverTest, RangeEdgesAndEmptyBlobs) {
  auto store = Open(Config());
  ASSERT_TRUE(store->Put("r.bin", "0123456789", "application/octet-stream"));
  EXPECT_EQ(*store->GetRange("r.bin", 0, 1), "0");  // s3rver answers bytes=0-0 with everything
  EXPECT_EQ(*store->GetRange("r.bin", 9, 1), "9");
  EXPECT_EQ(*store->GetRange("r.bin", 10, 1), "");
  EXPECT_EQ(*store->GetRange("r.bin", 3, UINT64_MAX), "3456789");
  EXPECT_EQ(*store->GetRange("r.bin", UINT64_MAX - 1, UINT64_MAX), "");
  EXPECT_EQ(*store->GetRange("r.bin", 4, 0), "");
  EXPECT_EQ(store->GetRange("missing.bin", 4, 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->GetRange("missing.bin", 0, 4).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store->Put("empty.bin", "", ""));
  EXPECT_EQ(*store->Get("empty.bin"), "");
  auto info = store->Head("empty.bin");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 0u);
  EXPECT_EQ(info->content_type, "application/octet-stream");
}

TEST_F(S3rverTest, PutFileUploadsExactBytesAndRejectsAMissingFile) {
  auto store = Open(Config());
  fs::path local = fs::temp_directory_path() / ("vox-s3-" + RandomToken(8) + ".bin");
  const std::string data = AllBytes(3 << 20);
  std::ofstream(local, std::ios::binary) << data;
  ASSERT_TRUE(store->PutFile("f/big.bin", local.string(), "audio/flac"));
  fs::remove(local);
  EXPECT_TRUE(*store->Get("f/big.bin") == data);
  auto missing = store->PutFile("f/none.bin", local.string(), "audio/flac");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(S3rverTest, MissingBucketAndBadCredentialsAreClearErrors) {
  auto nobucket = Open(Config("no-such-bucket"));
  auto ping = nobucket->Ping();
  ASSERT_FALSE(ping);
  EXPECT_EQ(ping.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ping.error().field, "VOX_STORAGE_URL");
  EXPECT_FALSE(nobucket->Delete("x.bin"));  // a missing bucket is not an idempotent delete

  S3Config bad = Config();
  bad.credentials.access_key_id = "NOT-A-KEY";
  auto put = Open(bad)->Put("x.bin", "x", "x/y");
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(put.error().message.find("InvalidAccessKeyId"), std::string::npos)
      << put.error().message;
  EXPECT_EQ(put.error().message.find(bad.credentials.secret_access_key + "\""), std::string::npos);
}

TEST_F(S3rverTest, ServerSideEncryptionSettingIsAccepted) {
  S3Config config = Config();
  config.sse = "AES256";
  auto store = Open(config);
  ASSERT_TRUE(store->Put("sse.bin", "encrypted at rest", "x/y"));
  EXPECT_EQ(*store->Get("sse.bin"), "encrypted at rest");
}

}  // namespace
}  // namespace vox::blob
