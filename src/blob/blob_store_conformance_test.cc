// One conformance suite every BlobStore backend passes. A backend joins by
// adding a factory to the INSTANTIATE_TEST_SUITE_P list below.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "blob/blob_store.h"
#include "blob/encrypted_blob_store.h"
#include "blob/file_blob_store.h"
#include "blob/s3/testing/s3rver_process.h"
#include "common/crypto.h"

namespace vox::blob {
namespace {
namespace fs = std::filesystem;

struct Backend {
  std::string name;
  std::function<std::unique_ptr<BlobStore>(const fs::path& tmp)> open;
  // Non-empty when the backend's service cannot run here: the test is skipped,
  // or fails where test services are required (CI).
  std::function<std::string()> unavailable = [] { return std::string(); };
};
// Names the parameter in test output (gtest would otherwise dump its bytes).
void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

class BlobStoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vox-blob-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    tmp_ = tmpl;
    if (std::string why = GetParam().unavailable(); !why.empty()) {
      if (testing::TestServicesRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    store_ = GetParam().open(tmp_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(tmp_);
  }
  fs::path tmp_;
  std::unique_ptr<BlobStore> store_;
};

TEST_P(BlobStoreConformance, PutGetHeadRoundTrip) {
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(store_->Put("audio/a.wav", data, "audio/wav"));
  auto got = store_->Get("audio/a.wav");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, data);
  auto info = store_->Head("audio/a.wav");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, data.size());
  EXPECT_EQ(info->content_type, "audio/wav");
}

TEST_P(BlobStoreConformance, RangesAreClippedToTheBlob) {
  ASSERT_TRUE(store_->Put("r.bin", "0123456789", "application/octet-stream"));
  EXPECT_EQ(*store_->GetRange("r.bin", 2, 3), "234");
  EXPECT_EQ(*store_->GetRange("r.bin", 8, 100), "89");
  EXPECT_EQ(*store_->GetRange("r.bin", 20, 5), "");
}

TEST_P(BlobStoreConformance, PutFileStreamsALocalFile) {
  fs::path local = tmp_ / "local.bin";
  {
    std::ofstream out(local, std::ios::binary);
    out << std::string(1 << 20, 'x');
  }
  ASSERT_TRUE(store_->PutFile("big/file.bin", local.string(), "application/octet-stream"));
  EXPECT_EQ(store_->Head("big/file.bin")->size, 1u << 20);
}

TEST_P(BlobStoreConformance, MissingBlobIsNotFoundAndDeleteIsIdempotent) {
  auto got = store_->Get("nope.wav");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Head("nope.wav").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->Put("d.wav", "x", "audio/wav"));
  EXPECT_TRUE(store_->Delete("d.wav"));
  EXPECT_TRUE(store_->Delete("d.wav"));
  EXPECT_FALSE(store_->Get("d.wav"));
}

TEST_P(BlobStoreConformance, ListsByPrefix) {
  ASSERT_TRUE(store_->Put("audio/1.wav", "a", "audio/wav"));
  ASSERT_TRUE(store_->Put("audio/2.wav", "b", "audio/wav"));
  ASSERT_TRUE(store_->Put("voices/v.wav", "c", "audio/wav"));
  auto keys = store_->List("audio/");
  ASSERT_TRUE(keys);
  EXPECT_EQ(*keys, (std::vector<std::string>{"audio/1.wav", "audio/2.wav"}));
}

TEST_P(BlobStoreConformance, HostileKeysAreRejected) {
  for (const std::string& key :
       std::vector<std::string>{"", "../escape", "a/../../b", "/abs", "a//b", "a\nb", "sp ace",
                                std::string("nul\0x", 5), std::string(600, 'a')}) {
    auto s = store_->Put(key, "x", "text/plain");
    ASSERT_FALSE(s) << "accepted key: " << key;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_P(BlobStoreConformance, ConcurrentWritersNeverExposeAPartialBlob) {
  if (GetParam().name == "s3") {
    // Atomic overwrite is the server's promise, not the client's. S3 keeps
    // it; the s3rver test double writes objects in place, and about one run
    // in six under load it returns a torn body that even passes the ETag
    // check. Testing that would test s3rver, so the s3 instance skips it.
    GTEST_SKIP() << "s3rver overwrites objects in place; real S3 PUTs are atomic";
  }
  const std::string a(200000, 'a'), b(200000, 'b');
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    // EXPECT, not ASSERT: an early return here would leave the reader spinning.
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(store_->Put("race.bin", i % 2 ? a : b, "x/y"));
    stop = true;
  });
  size_t torn = 0;  // checked after join(): a failed ASSERT here would skip it
  while (!stop) {
    auto got = store_->Get("race.bin");
    if (got && *got != a && *got != b) ++torn;
  }
  writer.join();
  EXPECT_EQ(torn, 0u) << "reads saw a partial blob";
}

TEST_P(BlobStoreConformance, PingSucceeds) { EXPECT_TRUE(store_->Ping()); }

INSTANTIATE_TEST_SUITE_P(
    Backends, BlobStoreConformance,
    ::testing::Values(Backend{"file",
                              [](const fs::path& tmp) -> std::unique_ptr<BlobStore> {
                                auto s = OpenBlobStore("file://" + (tmp / "blobs").string());
                                return s ? std::move(*s) : nullptr;
                              }},
                      // Encryption at rest over the file backend, with small chunks so
                      // ranges and concurrent writers cross chunk boundaries.
                      Backend{"encrypted_file",
                              [](const fs::path& tmp) -> std::unique_ptr<BlobStore> {
                                auto inner = OpenBlobStore("file://" + (tmp / "blobs").string());
                                auto keys = EncryptionKeys::Parse(NewEncryptionKeyBase64(), "k");
                                if (!inner || !keys) return nullptr;
                                return std::make_unique<EncryptedBlobStore>(std::move(*inner),
                                                                            std::move(*keys), 4096);
                              }},
                      // A real S3-compatible server (s3rver) on loopback; each test
                      // gets its own key prefix in the shared bucket.
                      Backend{"s3",
                              [](const fs::path&) -> std::unique_ptr<BlobStore> {
                                testing::S3rverProcess::ExportCredentials();
                                auto s = OpenBlobStore(testing::SharedS3rver()->StorageUrl(
                                    "vox-test", "conformance-" + RandomToken(12)));
                                return s ? std::move(*s) : nullptr;
                              },
                              [] {
                                std::string why;
                                return testing::SharedS3rver(&why) ? std::string() : why;
                              }}),
    [](const auto& info) { return info.param.name; });

// A process killed between writing a blob's temp file and renaming it leaves
// "<key>.tmp-XXXX" (and "<key>.meta.tmp-XXXX") behind; opening the store sweeps
// the stale ones and leaves blobs and fresh temp files (a live write) alone.
TEST(FileBlobStore, OpeningSweepsTempFilesOfDeadWrites) {
  const fs::path root = fs::temp_directory_path() / ("vox-blob-sweep-" + RandomToken(8));
  fs::create_directories(root / "voices" / "v1");
  auto write = [](const fs::path& p) { std::ofstream(p, std::ios::binary) << "x"; };
  const fs::path stale = root / "voices" / "v1" / "sample.wav.tmp-ab12cd34";
  const fs::path stale_meta = root / "voices" / "v1" / "sample.wav.meta.tmp-ef56ab78";
  const fs::path fresh = root / "voices" / "v1" / "consent.wav.tmp-99887766";
  const fs::path blob = root / "voices" / "v1" / "sample.wav";
  for (const auto& p : {stale, stale_meta, fresh, blob}) write(p);
  const auto two_hours_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(stale, two_hours_ago);
  fs::last_write_time(stale_meta, two_hours_ago);
  fs::last_write_time(blob, two_hours_ago);
  ASSERT_TRUE(FileBlobStore::Open(root));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(stale_meta));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_TRUE(fs::exists(blob));
  fs::remove_all(root);
}

TEST(BlobStoreFactory, RejectsUnknownSchemesNamingTheSetting) {
  auto s = OpenBlobStore("ftp://x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "VOX_STORAGE_URL");
}

}  // namespace
}  // namespace vox::blob
