// Encryption at rest: what is stored is not the plaintext, and every way of damaging it
// (an edited byte, a cut, chunks swapped, another blob's header, a missing key) is an error
// rather than wrong audio. The BlobStore contract itself is the conformance suite's
// ("encrypted_file" instance).
#include "blob/encrypted_blob_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/base64.h"

namespace vox::blob {
namespace {
namespace fs = std::filesystem;

constexpr uint32_t kChunk = 1000;

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

class EncryptedBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vox-enc-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    key_a_ = NewEncryptionKeyBase64();
    key_b_ = NewEncryptionKeyBase64();
    store_ = Open(key_a_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<EncryptedBlobStore> Open(const std::string& key_lines) {
    auto keys = EncryptionKeys::Parse(key_lines, "VOX_ENCRYPTION_KEY_FILE");
    EXPECT_TRUE(keys) << keys.error().ToString();
    return std::make_unique<EncryptedBlobStore>(Plain(), std::move(*keys), kChunk);
  }
  std::unique_ptr<BlobStore> Plain() {
    return std::move(*OpenBlobStore("file://" + dir_.string()));
  }
  std::string Stored(const std::string& key) { return *Plain()->Get(key); }
  void Store(const std::string& key, const std::string& bytes) {
    ASSERT_TRUE(Plain()->Put(key, bytes, "audio/wav"));
  }

  fs::path dir_;
  std::string key_a_, key_b_;
  std::unique_ptr<EncryptedBlobStore> store_;
};

TEST_F(EncryptedBlobStoreTest, WhatIsStoredIsNotThePlaintextAndReadsBack) {
  const std::string audio = "RIFF" + Pattern(5000);
  ASSERT_TRUE(store_->Put("audio/a.wav", audio, "audio/wav"));
  std::string stored = Stored("audio/a.wav");
  EXPECT_TRUE(LooksEncrypted(stored));
  EXPECT_EQ(stored.find("RIFF"), std::string::npos);
  EXPECT_EQ(stored.find(audio.substr(100, 32)), std::string::npos);
  EXPECT_EQ(stored.size(), kEncryptedHeaderBytes + audio.size() + 6 * kEncryptionTagBytes);
  EXPECT_EQ(*store_->Get("audio/a.wav"), audio);
  EXPECT_EQ(store_->Head("audio/a.wav")->size, audio.size());
  // The same plaintext twice is stored differently (a fresh nonce per blob).
  ASSERT_TRUE(store_->Put("audio/b.wav", audio, "audio/wav"));
  EXPECT_NE(Stored("audio/b.wav"), stored);
}

TEST_F(EncryptedBlobStoreTest, RangesAcrossChunkBoundariesMatchThePlaintext) {
  const std::string data = Pattern(3 * kChunk + 17);
  ASSERT_TRUE(store_->Put("r.bin", data, "x/y"));
  for (auto [offset, length] : std::vector<std::pair<uint64_t, uint64_t>>{{0, 1},
                                                                          {999, 2},
                                                                          {1000, 1000},
                                                                          {10, 2990},
                                                                          {2999, 100},
                                                                          {3000, 17},
                                                                          {3010, 500},
                                                                          {0, 1 << 20}}) {
    EXPECT_EQ(*store_->GetRange("r.bin", offset, length), data.substr(offset, length))
        << offset << "+" << length;
  }
  EXPECT_EQ(*store_->GetRange("r.bin", data.size(), 10), "");
}

TEST_F(EncryptedBlobStoreTest, EmptyBlobsAreAuthenticatedToo) {
  ASSERT_TRUE(store_->Put("e.bin", "", "x/y"));
  EXPECT_EQ(Stored("e.bin").size(), kEncryptedHeaderBytes + kEncryptionTagBytes);
  EXPECT_EQ(*store_->Get("e.bin"), "");
  std::string stored = Stored("e.bin");
  stored[24] = 5;  // claims 5 bytes
  Store("e.bin", stored);
  EXPECT_EQ(store_->Get("e.bin").error().code, ErrorCode::kInternal);
}

TEST_F(EncryptedBlobStoreTest, EveryTamperingIsAnErrorNeverOtherBytes) {
  const std::string data = Pattern(3 * kChunk);
  ASSERT_TRUE(store_->Put("t.bin", data, "x/y"));
  const std::string good = Stored("t.bin");
  const size_t sealed = kChunk + kEncryptionTagBytes;
  auto expect_refused = [&](const std::string& what, const std::string& bytes) {
    Store("t.bin", bytes);
    auto whole = store_->Get("t.bin");
    ASSERT_FALSE(whole) << what;
    EXPECT_EQ(whole.error().code, ErrorCode::kInternal) << what;
    EXPECT_NE(whole.error().message.find("t.bin"), std::string::npos) << what;
    auto range = store_->GetRange("t.bin", kChunk - 10, kChunk + 20);
    EXPECT_FALSE(range && *range != data.substr(kChunk - 10, kChunk + 20)) << what;
  };
  std::string flipped = good;
  flipped[kEncryptedHeaderBytes + sealed + 5] ^= 1;
  expect_refused("a flipped byte", flipped);
  expect_refused("cut short", good.substr(0, good.size() - 1));
  expect_refused("last chunk dropped", good.substr(0, good.size() - sealed));
  std::string swapped =
      good.substr(0, kEncryptedHeaderBytes) + good.substr(kEncryptedHeaderBytes + sealed, sealed) +
      good.substr(kEncryptedHeaderBytes, sealed) + good.substr(kEncryptedHeaderBytes + 2 * sealed);
  expect_refused("chunks swapped", swapped);
  ASSERT_TRUE(store_->Put("other.bin", data, "x/y"));
  expect_refused("another blob's header", Stored("other.bin").substr(0, kEncryptedHeaderBytes) +
                                              good.substr(kEncryptedHeaderBytes));
  std::string bigger = good;
  bigger[24] ^= 1;
  expect_refused("size edited", bigger);
  for (int i : {0, 3, 7}) {  // a damaged magic is not read as plaintext
    std::string magic = good;
    magic[i] ^= 0x20;
    expect_refused("magic byte " + std::to_string(i), magic);
  }
}

TEST_F(EncryptedBlobStoreTest, AMissingKeyIsNamedAndRotationMovesEveryBlobToTheNewKey) {
  ASSERT_TRUE(store_->Put("audio/old.wav", "under key a", "audio/wav"));
  Store("audio/legacy.wav", "RIFF stored before encryption was on");
  // Read as it is until rotated.
  EXPECT_EQ(*store_->Get("audio/legacy.wav"), "RIFF stored before encryption was on");

  auto only_b = Open(key_b_);
  auto missing = only_b->Get("audio/old.wav");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.error().message.find(EncryptionKeyId(*Base64Decode(key_a_))),
            std::string::npos);

  auto both = Open(key_b_ + "\n# the old key, until the rotation is done\n" + key_a_ + "\n");
  ASSERT_TRUE(both->Put("audio/new.wav", "under key b", "audio/wav"));
  std::vector<std::string> done;
  auto report = both->Rotate("audio/", [&](const std::string& key) { done.push_back(key); });
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->blobs, 3u);
  EXPECT_EQ(report->rewritten, 1u);
  EXPECT_EQ(report->encrypted, 1u);
  EXPECT_EQ(report->current, 1u);
  EXPECT_EQ(done, (std::vector<std::string>{"audio/legacy.wav", "audio/old.wav"}));
  // Now key b alone reads everything, and a second rotation has nothing to do.
  EXPECT_EQ(*only_b->Get("audio/old.wav"), "under key a");
  EXPECT_EQ(*only_b->Get("audio/legacy.wav"), "RIFF stored before encryption was on");
  EXPECT_TRUE(LooksEncrypted(Stored("audio/legacy.wav")));
  EXPECT_EQ(both->Rotate("audio/")->current, 3u);
}

// VOX_ENCRYPTION_PLAINTEXT=refuse: a blob without the header, whether stored before
// encryption or put there wholesale in place of an encrypted one, is never served (read,
// range or head); rotation still encrypts the old ones, which are then served.
TEST_F(EncryptedBlobStoreTest, RefusedPlaintextIsNeverServedButStillRotated) {
  ASSERT_TRUE(store_->Put("audio/job.wav", "the job's audio", "audio/wav"));
  Store("audio/legacy.wav", "RIFF stored before encryption was on");
  auto strict = Open(key_a_);
  strict->RefusePlaintext();
  EXPECT_EQ(*strict->Get("audio/job.wav"), "the job's audio");
  auto expect_refused = [&](const std::string& key) {
    SCOPED_TRACE(key);
    auto whole = strict->Get(key);
    ASSERT_FALSE(whole);
    EXPECT_EQ(whole.error().code, ErrorCode::kInternal);
    EXPECT_EQ(whole.error().field, "VOX_ENCRYPTION_PLAINTEXT");
    EXPECT_FALSE(strict->GetRange(key, 0, 4));
    EXPECT_FALSE(strict->Head(key));
  };
  expect_refused("audio/legacy.wav");
  Store("audio/job.wav", "RIFF valid audio put in place of the encrypted blob");
  expect_refused("audio/job.wav");
  EXPECT_TRUE(store_->Get("audio/job.wav"));  // served where plaintext is (the default)

  auto report = strict->Rotate("audio/");
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->encrypted, 2u);
  EXPECT_EQ(*strict->Get("audio/legacy.wav"), "RIFF stored before encryption was on");
}

TEST_F(EncryptedBlobStoreTest, PutFileEncryptsWithoutLeavingTheClearCopyBehind) {
  fs::path local = dir_ / "upload.bin";
  const std::string data = Pattern(2 * kChunk + 3);
  std::ofstream(local, std::ios::binary) << data;
  // The encrypted temporary copy goes to TMPDIR: a private one shows it is removed.
  fs::path tmp = dir_ / "tmp";
  fs::create_directory(tmp);
  const char* old_tmpdir = getenv("TMPDIR");
  std::string saved = old_tmpdir ? old_tmpdir : "";
  setenv("TMPDIR", tmp.c_str(), 1);
  auto put = store_->PutFile("voices/v/sample.wav", local.string(), "audio/wav");
  old_tmpdir ? setenv("TMPDIR", saved.c_str(), 1) : unsetenv("TMPDIR");
  ASSERT_TRUE(put) << put.error().ToString();
  EXPECT_TRUE(fs::is_empty(tmp));
  EXPECT_EQ(*store_->Get("voices/v/sample.wav"), data);
  EXPECT_TRUE(LooksEncrypted(Stored("voices/v/sample.wav")));
  EXPECT_FALSE(store_->LocalPath("voices/v/sample.wav"));
  EXPECT_FALSE(store_->PutFile("voices/v/none.wav", (dir_ / "missing").string(), "audio/wav"));
}

TEST(EncryptionKeys, BadKeyFilesAreClearErrorsThatNeverQuoteTheSecret) {
  for (const std::string bad :
       {std::string(""), std::string("# only a comment\n"), std::string("c2hvcnQ="),
        std::string("not base64 at all!"), NewEncryptionKeyBase64() + "x"}) {
    auto keys = EncryptionKeys::Parse(bad, "VOX_ENCRYPTION_KEY_FILE");
    ASSERT_FALSE(keys) << bad;
    EXPECT_EQ(keys.error().field, "VOX_ENCRYPTION_KEY_FILE");
    if (bad.size() > 8) {
      EXPECT_EQ(keys.error().message.find(bad), std::string::npos);
    }
  }
  std::string key = NewEncryptionKeyBase64();
  auto twice = EncryptionKeys::Parse(key + "\n" + key + "\n", "K");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos);
  auto ok = EncryptionKeys::Parse("  " + key + "\r\n\n", "K");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->ToString(), "1 key, current " + ok->current().id);
  EXPECT_EQ(ok->current().id.size(), 16u);
  EXPECT_EQ(ok->ToString().find(key), std::string::npos);
}

}  // namespace
}  // namespace vox::blob
