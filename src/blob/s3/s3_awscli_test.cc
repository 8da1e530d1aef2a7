// Cross-check with an independent S3 client, Debian's awscli, on the same
// s3rver: awscli reads back exactly what Vox wrote, Vox reads exactly what
// awscli wrote, and both presign the same URL to the byte.
#include <gtest/gtest.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "blob/s3/s3_blob_store.h"
#include "blob/s3/testing/run_process.h"
#include "blob/s3/testing/s3rver_process.h"
#include "common/crypto.h"

namespace vox::blob {
namespace {
namespace fs = std::filesystem;

std::string Bytes(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;  // deterministic, every byte value occurs
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AwsCliCrossCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = testing::SharedS3rver(&why);
    aws_ = testing::FindAwsCli();
    if (server_ == nullptr || aws_.empty()) {
      if (why.empty()) why = "awscli is not installed (apt-get install awscli)";
      if (testing::TestServicesRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    testing::S3rverProcess::ExportCredentials();
    prefix_ = "awscli-" + RandomToken(12);
    auto store = OpenBlobStore(server_->StorageUrl("vox-test", prefix_));
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    char tmpl[] = "/tmp/vox-awscli-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    tmp_ = tmpl;
  }
  void TearDown() override {
    if (!tmp_.empty()) fs::remove_all(tmp_);
  }

  testing::ProcessResult Aws(std::vector<std::string> args) {
    std::vector<std::string> argv = {
        aws_, "--endpoint-url", server_->Endpoint(), "--region", "us-east-1", "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = testing::RunProcess(argv, 120);
    EXPECT_EQ(result.exit_code, 0) << "aws " << args[0] << " " << args[1] << ": " << result.err;
    return result;
  }
  std::string S3Uri(const std::string& key) { return "s3://vox-test/" + prefix_ + "/" + key; }

  testing::S3rverProcess* server_ = nullptr;
  std::string aws_;
  std::string prefix_;
  std::unique_ptr<BlobStore> store_;
  fs::path tmp_;
};

TEST_F(AwsCliCrossCheck, AwsCliReadsExactlyWhatVoxWrote) {
  // Every character our key rules allow, in awkward places.
  const std::string key = "x/Odd-Key_v1.0/--a..b_.-Z9.bin";
  const std::string data = Bytes(300000, 1);
  ASSERT_TRUE(store_->Put(key, data, "audio/x-odd"));
  fs::path out = tmp_ / "from-vox.bin";
  auto r = Aws(
      {"s3api", "get-object", "--bucket", "vox-test", "--key", prefix_ + "/" + key, out.string()});
  EXPECT_TRUE(ReadAll(out) == data) << "awscli read " << ReadAll(out).size() << " bytes";
  EXPECT_NE(r.out.find("\"ContentType\": \"audio/x-odd\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"ContentLength\": 300000"), std::string::npos) << r.out;
}

TEST_F(AwsCliCrossCheck, VoxReadsExactlyWhatAwsCliWrote) {
  const std::string data = Bytes(123457, 2);
  fs::path in = tmp_ / "to-s3.bin";
  std::ofstream(in, std::ios::binary) << data;
  Aws({"s3api", "put-object", "--bucket", "vox-test", "--key", prefix_ + "/aws/_x-1.wav", "--body",
       in.string(), "--content-type", "audio/wav"});
  auto got = store_->Get("aws/_x-1.wav");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_TRUE(*got == data);
  auto info = store_->Head("aws/_x-1.wav");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, data.size());
  EXPECT_EQ(info->content_type, "audio/wav");
  EXPECT_EQ(*store_->GetRange("aws/_x-1.wav", 1000, 5000), data.substr(1000, 5000));
}

TEST_F(AwsCliCrossCheck, FiveMegabyteObjectsBothWays) {
  const std::string data = Bytes(5 << 20, 3);
  fs::path local = tmp_ / "five.bin";
  std::ofstream(local, std::ios::binary) << data;

  ASSERT_TRUE(store_->PutFile("big/vox.bin", local.string(), "application/octet-stream"));
  fs::path back = tmp_ / "five-back.bin";
  Aws({"s3", "cp", "--only-show-errors", S3Uri("big/vox.bin"), back.string()});
  EXPECT_TRUE(ReadAll(back) == data) << "awscli read " << ReadAll(back).size() << " bytes";

  Aws({"s3", "cp", "--only-show-errors", local.string(), S3Uri("big/aws.bin")});
  auto got = store_->Get("big/aws.bin");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_TRUE(*got == data) << "vox read " << got->size() << " bytes";
  EXPECT_EQ(store_->Head("big/aws.bin")->size, data.size());
  EXPECT_EQ(*store_->List("big/"), (std::vector<std::string>{"big/aws.bin", "big/vox.bin"}));
}

// Keys written by other clients may hold characters that XML must escape;
// List() must decode them exactly (even though Vox's own key rules forbid them).
TEST_F(AwsCliCrossCheck, ListDecodesKeysWithXmlSpecialCharacters) {
  const std::string odd = "odd/a&b<c>'\"d;e=f.txt";
  Aws({"s3api", "put-object", "--bucket", "vox-test", "--key", prefix_ + "/" + odd});
  ASSERT_TRUE(store_->Put("odd/plain.txt", "p", "text/plain"));
  auto keys = store_->List("odd/");
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(*keys, (std::vector<std::string>{odd, "odd/plain.txt"}));
}

TEST_F(AwsCliCrossCheck, PresignedUrlIsByteIdenticalToAwsClis) {
  auto r = Aws({"s3", "presign", S3Uri("audio/p.wav"), "--expires-in", "900"});
  std::string theirs = r.out.substr(0, r.out.find_last_not_of("\r\n") + 1);
  size_t at = theirs.find("X-Amz-Date=");
  ASSERT_NE(at, std::string::npos) << theirs;
  std::tm tm{};
  ASSERT_NE(strptime(theirs.substr(at + 11, 16).c_str(), "%Y%m%dT%H%M%SZ", &tm), nullptr);
  ManualClock same_time(static_cast<int64_t>(timegm(&tm)) * 1000);

  auto config = S3Config::FromUrl(server_->StorageUrl("vox-test", prefix_));
  ASSERT_TRUE(config);
  auto store = S3BlobStore::Open(*config, same_time);
  ASSERT_TRUE(store);
  auto ours = (*store)->PresignedGetUrl("audio/p.wav", 900);
  ASSERT_TRUE(ours && *ours);
  EXPECT_EQ(**ours, theirs);
}

}  // namespace
}  // namespace vox::blob
