// S3BlobStore against a scripted loopback server, for what a real S3 server
// will not do on demand (5xx, SlowDown, torn bodies, hangs, redirects) and to
// check that what goes on the wire is exactly what was signed.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "blob/s3/digest.h"
#include "blob/s3/s3_blob_store.h"
#include "blob/s3/testing/scripted_http_server.h"
#include "common/crypto.h"

namespace vox::blob {
namespace {
namespace fs = std::filesystem;
using testing::RecordedRequest;
using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

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

S3Config ScriptedConfig(const std::string& endpoint) {
  S3Config config;
  config.bucket = "vox-test";
  config.endpoint = endpoint;
  config.path_style = true;
  config.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  MakeQuick(config);
  return config;
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Recomputes the signature from what arrived on the wire: proves the bytes
// sent (path, query, headers, body hash) are the ones that were signed.
void ExpectWireSignatureValid(const RecordedRequest& r, const S3Config& config) {
  const std::string auth = r.headers.at("authorization");
  size_t sh = auth.find("SignedHeaders=") + 14;
  std::string signed_names = auth.substr(sh, auth.find(',', sh) - sh);
  std::string signature = auth.substr(auth.find("Signature=") + 10);
  s3::SignableRequest request;
  request.method = r.method;
  request.path = r.target.substr(0, r.target.find('?'));
  if (size_t q = r.target.find('?'); q != std::string::npos) {
    std::string query = r.target.substr(q + 1);
    for (size_t start = 0; start <= query.size();) {
      size_t amp = std::min(query.find('&', start), query.size());
      std::string pair = query.substr(start, amp - start);
      size_t eq = pair.find('=');
      request.query.emplace_back(PercentDecode(pair.substr(0, eq)),
                                 eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1)));
      start = amp + 1;
    }
  }
  for (size_t start = 0; start <= signed_names.size();) {
    size_t semi = std::min(signed_names.find(';', start), signed_names.size());
    std::string name = signed_names.substr(start, semi - start);
    request.headers.emplace_back(name, r.headers.at(name));
    start = semi + 1;
  }
  request.payload_hash = r.headers.at("x-amz-content-sha256");
  if (r.method == "PUT") {
    EXPECT_EQ(request.payload_hash, Sha256Hex(r.body));
  }
  const std::string amz_date = r.headers.at("x-amz-date");
  std::string to_sign =
      s3::StringToSign(amz_date, s3::CredentialScope(amz_date.substr(0, 8), config.region),
                       s3::CanonicalRequest(request));
  EXPECT_EQ(signature, HexEncode(HmacSha256(s3::SigningKey(config.credentials.secret_access_key,
                                                           amz_date.substr(0, 8), config.region),
                                            to_sign)))
      << r.method << " " << r.target;
}

TEST(S3Scripted, RetriesThrottlingAndServerErrorsThenSucceeds) {
  const std::string slow_down =
      "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>";
  ScriptedHttpServer server({{503, {}, slow_down}, {500, {}, ""}, {200, {}, "payload"}});
  auto store = S3BlobStore::Open(ScriptedConfig(server.Endpoint()));
  ASSERT_TRUE(store);
  auto got = (*store)->Get("a/b.bin");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, "payload");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.target, "/vox-test/a/b.bin");
    ExpectWireSignatureValid(r, (*store)->config());
  }
}

TEST(S3Scripted, GivesUpAfterMaxAttemptsWithUnavailable) {
  ScriptedHttpServer server({{503, {}, "<Error><Code>SlowDown</Code></Error>"},
                             {503, {}, "<Error><Code>SlowDown</Code></Error>"},
                             {503, {}, "<Error><Code>SlowDown</Code></Error>"},
                             {200, {}, "too late"}});
  auto store = S3BlobStore::Open(ScriptedConfig(server.Endpoint()));
  auto put = (*store)->Put("k.bin", "x", "x/y");
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("after 3 attempt"), std::string::npos) << put.error().message;
  EXPECT_NE(put.error().message.find("SlowDown"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(S3Scripted, ForbiddenIsNotRetriedAndCarriesS3sCode) {
  ScriptedHttpServer server(
      {{403, {}, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}});
  auto store = S3BlobStore::Open(ScriptedConfig(server.Endpoint()));
  auto got = (*store)->Get("k.bin");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(got.error().message.find("AccessDenied"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(S3Scripted, WrongRegionRedirectNamesTheSetting) {
  ScriptedHttpServer server({{301, {}, "<Error><Code>PermanentRedirect</Code></Error>"}});
  auto store = S3BlobStore::Open(ScriptedConfig(server.Endpoint()));
  auto head = (*store)->Head("k.bin");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(head.error().field, "VOX_STORAGE_URL");
}

TEST(S3Scripted, TornBodyFailingItsEtagIsRetried) {
  const std::string good = "the whole blob";
  const std::string etag = "\"" + s3::Md5Hex(good) + "\"";
  ScriptedHttpServer server(
      {{200, {{"ETag", etag}}, "the whole bXXX"}, {200, {{"ETag", etag}}, good}});
  auto store = S3BlobStore::Open(ScriptedConfig(server.Endpoint()));
  auto got = (*store)->Get("k.bin");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, good);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(S3Scripted, PutSendsSignedPayloadHashContentTypeAndSse) {
  ScriptedHttpServer server(
      {{200, {}, ""},
       {200, {}, ""},
       {206, {{"Content-Range", "bytes 2-4/10"}}, "234"},
       {200, {}, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"},
       {204, {}, ""},
       {200, {{"Content-Type", "audio/wav"}}, ""}});
  S3Config config = ScriptedConfig(server.Endpoint());
  config.sse = "AES256";
  config.prefix = "tenant-1";
  auto store = S3BlobStore::Open(config);
  ASSERT_TRUE(store);
  const std::string body = AllBytes(5000);
  ASSERT_TRUE((*store)->Put("audio/x.wav", body, "audio/wav"));
  fs::path local = fs::temp_directory_path() / ("vox-s3-" + RandomToken(8));
  std::ofstream(local, std::ios::binary) << "from a file";
  ASSERT_TRUE((*store)->PutFile("audio/y.wav", local.string(), ""));
  fs::remove(local);
  EXPECT_EQ(*(*store)->GetRange("r.bin", 2, 3), "234");
  EXPECT_TRUE((*store)->List("audio/"));
  EXPECT_TRUE((*store)->Delete("audio/x.wav"));
  EXPECT_TRUE((*store)->Head("audio/x.wav"));

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 6u);
  const RecordedRequest& put = requests[0];
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.target, "/vox-test/tenant-1/audio/x.wav");
  EXPECT_TRUE(put.body == body);
  EXPECT_EQ(put.headers.at("content-length"), "5000");
  EXPECT_EQ(put.headers.at("content-type"), "audio/wav");
  EXPECT_EQ(put.headers.at("x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(put.headers.at("x-amz-content-sha256"), Sha256Hex(body));
  EXPECT_NE(put.headers.at("authorization").find("x-amz-server-side-encryption"),
            std::string::npos);
  EXPECT_EQ(put.headers.count("transfer-encoding"), 0u);
  EXPECT_EQ(requests[1].body, "from a file");
  EXPECT_EQ(requests[1].headers.at("content-type"), "application/octet-stream");
  EXPECT_EQ(requests[2].headers.at("range"), "bytes=2-4");
  EXPECT_EQ(requests[3].target, "/vox-test?list-type=2&max-keys=1000&prefix=tenant-1%2Faudio%2F");
  EXPECT_EQ(requests[4].method, "DELETE");
  EXPECT_EQ(requests[5].method, "HEAD");
  for (const auto& r : requests) ExpectWireSignatureValid(r, (*store)->config());
}

TEST(S3Scripted, HangingServerTimesOutAsUnavailable) {
  ScriptedHttpServer server({{200, {}, "", true}, {200, {}, "", true}});
  S3Config config = ScriptedConfig(server.Endpoint());
  config.max_attempts = 2;
  config.request_timeout_ms = 300;
  auto store = S3BlobStore::Open(config);
  auto start = std::chrono::steady_clock::now();
  auto got = (*store)->Get("k.bin");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(S3Faults, NothingListeningIsUnavailableAfterBoundedRetries) {
  S3Config config =
      ScriptedConfig("http://127.0.0.1:" + std::to_string(ScriptedHttpServer::UnusedPort()));
  auto store = S3BlobStore::Open(config);
  ASSERT_TRUE(store);
  auto start = std::chrono::steady_clock::now();
  for (Status s :
       {(*store)->Put("k.bin", "x", "x/y"), (*store)->Ping(), (*store)->Delete("k.bin")}) {
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(s.error().message.find("after 3 attempt"), std::string::npos) << s.error().message;
  }
  EXPECT_EQ((*store)->Get("k.bin").error().code, ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(S3Factory, OpensS3UrlsAndNamesMissingCredentials) {
  unsetenv("AWS_ACCESS_KEY_ID");
  auto missing = OpenBlobStore("s3://vox-test?endpoint=http://127.0.0.1:1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "AWS_ACCESS_KEY_ID");
  setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  auto store = OpenBlobStore("s3://vox-test/p?endpoint=http://127.0.0.1:1");
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ((*store)->LocalPath("a.wav"), std::nullopt);
  EXPECT_EQ(OpenBlobStore("s3://x").error().field, "VOX_STORAGE_URL");
}

}  // namespace
}  // namespace vox::blob
