// ConsentRecords on a real file blob store: owner-scoped ids, one use per consent, nothing
// left behind by a deletion.
#include "api/openai/consent_records.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "blob/blob_store.h"

namespace vox::api::openai {
namespace {

namespace fs = std::filesystem;

class ConsentRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vox-consents-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto blobs = blob::OpenBlobStore("file://" + dir_.string());
    ASSERT_TRUE(blobs) << blobs.error().ToString();
    blobs_ = std::move(*blobs);
    records_ = std::make_unique<ConsentRecords>(*blobs_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Blobs as the store lists them.
  size_t Files() const {
    auto keys = blobs_->List("");
    EXPECT_TRUE(keys);
    return keys ? keys->size() : 0;
  }

  fs::path dir_;
  std::unique_ptr<blob::BlobStore> blobs_;
  std::unique_ptr<ConsentRecords> records_;
};

TEST_F(ConsentRecordsTest, IdsAreConsShapedAndNothingElseIsLookedUp) {
  auto made = records_->Create("alice", "Jane Doe", "en-US", "audio bytes", 1'000'000);
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_TRUE(IsConsentId(made->id)) << made->id;
  for (const char* id : {"cons_", "cons_../../etc/passwd", "CONS_0123456789abcdef0123456789abcdef",
                         "cons_0123456789ABCDEF0123456789abcdef", "voice_1234", ""}) {
    EXPECT_FALSE(IsConsentId(id)) << id;
    auto got = records_->Get("alice", id);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << id;
    EXPECT_EQ(got.error().field, "consent");
  }
}

TEST_F(ConsentRecordsTest, OwnersSeeOnlyTheirOwn) {
  auto first = records_->Create("alice", "Jane Doe", "en-US", "one", 1'000'000);
  auto second = records_->Create("alice", "John Roe", "en", "two", 2'000'000);
  auto bobs = records_->Create("bob", "Bob Smith", "en-GB", "three", 3'000'000);
  ASSERT_TRUE(first && second && bobs);

  auto got = records_->Get("alice", first->id);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->name, "Jane Doe");
  EXPECT_EQ(got->language, "en-US");
  EXPECT_EQ(got->created_at, 1'000'000);
  EXPECT_FALSE(got->voice_id);
  EXPECT_EQ(records_->Get("bob", first->id).error().code, ErrorCode::kNotFound);

  auto listed = records_->List("alice");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, second->id) << "newest first";
  EXPECT_EQ((*listed)[1].id, first->id);
  EXPECT_EQ(records_->List("carol")->size(), 0u);
  EXPECT_EQ(records_->Delete("bob", first->id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(records_->Get("alice", first->id)) << "another user's delete touched nothing";
}

TEST_F(ConsentRecordsTest, AConsentMakesOneVoiceAndItsRecordingGoes) {
  auto made = records_->Create("alice", "Jane Doe", "en-US", "the recording", 1'000'000);
  ASSERT_TRUE(made);
  auto recording = records_->Recording("alice", *made);
  ASSERT_TRUE(recording) << recording.error().ToString();
  EXPECT_EQ(*recording, "the recording");
  EXPECT_EQ(Files(), 2u);

  ASSERT_TRUE(records_->MarkUsed("alice", *made, "voice-1"));
  auto used = records_->Get("alice", made->id);
  ASSERT_TRUE(used);
  EXPECT_EQ(used->voice_id.value_or(""), "voice-1");
  auto again = records_->Recording("alice", *used);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message.find("voice-1"), std::string::npos) << again.error().message;
  // A stale copy of the record (read before the use) finds no recording either.
  EXPECT_EQ(records_->Recording("alice", *made).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Files(), 1u) << "the recording is deleted once used";

  ASSERT_TRUE(records_->Delete("alice", made->id));
  EXPECT_EQ(Files(), 0u);
  EXPECT_EQ(records_->Get("alice", made->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(records_->Delete("alice", made->id).error().code, ErrorCode::kNotFound);
}

TEST_F(ConsentRecordsTest, AClaimIsHeldByOneCreationAtATime) {
  const std::string id = "cons_0123456789abcdef0123456789abcdef";
  {
    auto claim = records_->TryClaim(id);
    ASSERT_TRUE(claim);
    auto second = records_->TryClaim(id);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().field, "consent");
    EXPECT_TRUE(records_->TryClaim("cons_ffffffffffffffffffffffffffffffff")) << "others are free";
  }
  EXPECT_TRUE(records_->TryClaim(id)) << "released when the claim ends";
}

}  // namespace
}  // namespace vox::api::openai
