// The signer against AWS's published SigV4 examples for S3 ("Examples:
// Signature Calculations in AWS Signature Version 4" and "Authenticating
// Requests: Using Query Parameters"): same inputs, byte-identical outputs.
#include "blob/s3/sigv4.h"

#include <gtest/gtest.h>

#include "blob/s3/retry.h"
#include "blob/s3/s3_blob_store.h"
#include "common/clock.h"
#include "common/crypto.h"

namespace vox::blob::s3 {
namespace {

constexpr int64_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z
const Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

std::string SignatureOf(const std::string& authorization) {
  return authorization.substr(authorization.find("Signature=") + 10);
}

TEST(SigV4, FormatsAmzDate) {
  EXPECT_EQ(AmzDate(k20130524), "20130524T000000Z");
  EXPECT_EQ(AmzDate(k20130524 + 3600 * 13 + 60 * 7 + 9), "20130524T130709Z");
}

TEST(SigV4, UriEncodesLikeAws) {
  EXPECT_EQ(UriEncode("test$file.text", false), "test%24file.text");
  EXPECT_EQ(UriEncode("a b/c~d_e-f.g", false), "a%20b/c~d_e-f.g");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("\xc3\xa9+=&", true), "%C3%A9%2B%3D%26");
}

TEST(SigV4, AwsExampleGetObjectWithRange) {
  SignableRequest request{"GET",
                          "/test.txt",
                          {},
                          {{"Host", kHost}, {"Range", "bytes=0-9"}},
                          std::string(kEmptyPayloadHash)};
  std::string authorization = SignRequest(request, kExample, "us-east-1", k20130524);
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

  // The intermediate values AWS publishes for the same example.
  request.headers.pop_back();  // the Authorization header SignRequest appended
  EXPECT_EQ(
      CanonicalRequest(request),
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign("20130524T000000Z", CredentialScope("20130524", "us-east-1"),
                         CanonicalRequest(request)),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
}

TEST(SigV4, AwsExamplePutObjectEncodesThePathOnce) {
  const std::string body = "Welcome to Amazon S3.";
  ASSERT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SignableRequest request{"PUT",
                          "/" + UriEncode("test$file.text", false),
                          {},
                          {{"Host", kHost},
                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                          Sha256Hex(body)};
  std::string authorization = SignRequest(request, kExample, "us-east-1", k20130524);
  EXPECT_NE(authorization.find("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
                               "x-amz-storage-class,"),
            std::string::npos);
  EXPECT_EQ(SignatureOf(authorization),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, AwsExampleGetBucketLifecycleSignsAValuelessParameter) {
  SignableRequest request{
      "GET", "/", {{"lifecycle", ""}}, {{"Host", kHost}}, std::string(kEmptyPayloadHash)};
  EXPECT_EQ(CanonicalQueryString(request.query), "lifecycle=");
  EXPECT_EQ(SignatureOf(SignRequest(request, kExample, "us-east-1", k20130524)),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, AwsExampleListObjectsSortsTheQuery) {
  SignableRequest request{"GET",
                          "/",
                          {{"prefix", "J"}, {"max-keys", "2"}},
                          {{"Host", kHost}},
                          std::string(kEmptyPayloadHash)};
  EXPECT_EQ(CanonicalQueryString(request.query), "max-keys=2&prefix=J");
  EXPECT_EQ(SignatureOf(SignRequest(request, kExample, "us-east-1", k20130524)),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, AwsExamplePresignedUrl) {
  SignableRequest request{"GET", "/test.txt", {}, {{"host", kHost}}, ""};
  EXPECT_EQ(PresignQuery(request, kExample, "us-east-1", k20130524, 86400),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

// The same vector through the store: its virtual-host addressing, key
// mapping and clock must produce AWS's example URL exactly.
TEST(SigV4, StorePresignsTheAwsExampleUrl) {
  S3Config config;
  config.bucket = "examplebucket";
  config.endpoint = "https://s3.amazonaws.com";
  config.path_style = false;
  config.credentials = kExample;
  ManualClock clock(k20130524 * 1000);
  auto store = S3BlobStore::Open(config, clock);
  ASSERT_TRUE(store) << store.error().ToString();
  auto url = (*store)->PresignedGetUrl("test.txt", 86400);
  ASSERT_TRUE(url && *url);
  EXPECT_EQ(**url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");

  EXPECT_EQ((*store)->PresignedGetUrl("test.txt", 604801).error().field, "ttl_s");
  EXPECT_EQ((*store)->PresignedGetUrl("test.txt", 0).error().field, "ttl_s");
  EXPECT_EQ((*store)->PresignedGetUrl("../x", 60).error().code, ErrorCode::kInvalidArgument);
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  Credentials temporary = kExample;
  temporary.session_token = "FQoGZXIvYXdzEXAMPLE/TOKEN+=";
  SignableRequest request{"GET", "/k", {}, {{"host", kHost}}, std::string(kEmptyPayloadHash)};
  std::string authorization = SignRequest(request, temporary, "us-east-1", k20130524);
  EXPECT_NE(authorization.find("x-amz-date;x-amz-security-token,"), std::string::npos);
  bool sent = false;
  for (const auto& [name, value] : request.headers) {
    sent |= name == "x-amz-security-token" && value == temporary.session_token;
  }
  EXPECT_TRUE(sent);

  SignableRequest presign{"GET", "/k", {}, {{"host", kHost}}, ""};
  std::string query = PresignQuery(presign, temporary, "us-east-1", k20130524, 60);
  EXPECT_NE(query.find("X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2FTOKEN%2B%3D"),
            std::string::npos);
}

TEST(SigV4, CanonicalHeadersTrimAndMergeValues) {
  EXPECT_EQ(CanonicalHeaders(
                {{"X-Amz-Meta-A", "  two   spaces  "}, {"host", "h"}, {"x-amz-meta-a", "b"}}),
            "host:h\nx-amz-meta-a:two spaces,b\n");
  EXPECT_EQ(SignedHeaderNames({{"X-B", "1"}, {"x-a", "2"}, {"x-b", "3"}}), "x-a;x-b");
}

TEST(Retry, RetriesServerErrorsAndThrottlingOnly) {
  EXPECT_TRUE(IsRetryableStatus(500, ""));
  EXPECT_TRUE(IsRetryableStatus(503, "SlowDown"));
  EXPECT_TRUE(IsRetryableStatus(429, ""));
  EXPECT_TRUE(IsRetryableStatus(400, "RequestTimeout"));
  EXPECT_FALSE(IsRetryableStatus(403, "AccessDenied"));
  EXPECT_FALSE(IsRetryableStatus(404, "NoSuchKey"));
  EXPECT_FALSE(IsRetryableStatus(400, "InvalidArgument"));
}

TEST(Retry, BackoffIsJitteredAndCapped) {
  for (int retry = 0; retry < 12; ++retry) {
    for (int i = 0; i < 50; ++i) {
      int64_t d = BackoffDelayMs(retry, 100, 5000);
      EXPECT_GE(d, 0);
      EXPECT_LE(d, std::min<int64_t>(5000, 100LL << retry));
    }
  }
  int64_t distinct_sum = 0;
  for (int i = 0; i < 20; ++i)
    distinct_sum += BackoffDelayMs(5, 100, 5000) != BackoffDelayMs(5, 100, 5000);
  EXPECT_GT(distinct_sum, 10);  // jitter, not a fixed delay
  EXPECT_EQ(BackoffDelayMs(3, 0, 0), 0);
}

}  // namespace
}  // namespace vox::blob::s3
