// Conformance: voice cloning (schema 2): the protected-voice registry and the
// speaker similarity a job records.
#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

ProtectedVoiceRecord MakeProtected(const std::string& name, int64_t created_at) {
  ProtectedVoiceRecord v;
  v.name = name;
  // Spacing and key order are the caller's: the store must not normalize them.
  v.embedding = R"({"dim":3, "vector":[0.25,-1.5,3e-2]})";
  v.created_at = created_at;
  return v;
}

TEST_P(StoreConformance, ProtectedVoicesAreCreatedListedOldestFirstAndDeleted) {
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->ListProtectedVoices());
  EXPECT_TRUE(none.empty());

  User admin = AddUser("admin");
  ProtectedVoiceRecord late = MakeProtected("late", 3000);
  late.created_by = admin.id;
  VOX_ASSERT_OK_AND_ASSIGN(ProtectedVoiceRecord created_late, store_->CreateProtectedVoice(late));
  EXPECT_TRUE(IsUuid(created_late.id)) << created_late.id;
  EXPECT_EQ(created_late.created_by, admin.id);
  // Same created_at: the id breaks the tie (byte order).
  ProtectedVoiceRecord tie_b = MakeProtected("tie b", 1000);
  tie_b.id = "b-fixed-id";
  ProtectedVoiceRecord tie_a = MakeProtected("tie a", 1000);
  tie_a.id = "a-fixed-id";
  VOX_ASSERT_OK(store_->CreateProtectedVoice(tie_b));
  VOX_ASSERT_OK(store_->CreateProtectedVoice(tie_a));
  VOX_ASSERT_OK_AND_ASSIGN(ProtectedVoiceRecord now,
                           store_->CreateProtectedVoice(MakeProtected("stamped now", 0)));
  EXPECT_GT(now.created_at, 3000);  // a zero created_at becomes the current time

  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListProtectedVoices());
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0].id, "a-fixed-id");
  EXPECT_EQ(listed[1].id, "b-fixed-id");
  EXPECT_EQ(listed[2].id, created_late.id);
  EXPECT_EQ(listed[3].id, now.id);
  EXPECT_EQ(listed[0].name, "tie a");
  EXPECT_EQ(listed[0].created_at, 1000);
  EXPECT_FALSE(listed[0].created_by.has_value());
  EXPECT_EQ(listed[2].created_by, admin.id);
  EXPECT_EQ(listed[2].embedding, R"({"dim":3, "vector":[0.25,-1.5,3e-2]})");  // byte for byte

  VOX_ASSERT_OK(store_->DeleteProtectedVoice("b-fixed-id"));
  VOX_ASSERT_OK_AND_ASSIGN(listed, store_->ListProtectedVoices());
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].id, "a-fixed-id");
  EXPECT_EQ(listed[1].id, created_late.id);
  // A hard delete: gone, so deleting again is kNotFound.
  auto again = store_->DeleteProtectedVoice("b-fixed-id");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->DeleteProtectedVoice(NewUuid())), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ProtectedVoiceNeedsNameAndEmbeddingAndAFreeId) {
  auto no_name = store_->CreateProtectedVoice(MakeProtected("", 1));
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().code, ErrorCode::kInvalidArgument);
  ProtectedVoiceRecord no_embedding = MakeProtected("x", 1);
  no_embedding.embedding.clear();
  auto rejected = store_->CreateProtectedVoice(no_embedding);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, ErrorCode::kInvalidArgument);

  ProtectedVoiceRecord first = MakeProtected("first", 1);
  first.id = "taken";
  VOX_ASSERT_OK(store_->CreateProtectedVoice(first));
  ProtectedVoiceRecord twin = MakeProtected("twin", 2);
  twin.id = "taken";
  EXPECT_EQ(CodeOf(store_->CreateProtectedVoice(twin)), ErrorCode::kAlreadyExists);
  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListProtectedVoices());
  ASSERT_EQ(listed.size(), 1u);  // nothing written by the failures
  EXPECT_EQ(listed[0].name, "first");
}

TEST_P(StoreConformance, VoiceSimilarityIsSetByTransitionAndReadBack) {
  User u = AddUser();
  Job j = AddQueuedJob(u.id);
  VOX_ASSERT_OK_AND_ASSIGN(Job fresh, store_->GetJob(j.id));
  EXPECT_FALSE(fresh.voice_similarity.has_value());

  VOX_ASSERT_OK_AND_ASSIGN(auto claimed, store_->ClaimNextJob("w1", 10000, kT0));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_FALSE(claimed->voice_similarity.has_value());
  JobTransition scored{.job_id = j.id,
                       .to = JobStatus::kUploading,
                       .at = kT0 + 10,
                       .lease_owner = "w1",
                       .voice_similarity = 0.8125};
  VOX_ASSERT_OK_AND_ASSIGN(bool moved, store_->TransitionJob(scored));
  ASSERT_TRUE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(Job got, store_->GetJob(j.id));
  EXPECT_EQ(got.voice_similarity, 0.8125);  // exactly representable: no rounding slack needed

  // A later transition that does not name it keeps it.
  JobTransition requeue{
      .job_id = j.id, .to = JobStatus::kQueued, .at = kT0 + 20, .next_attempt_at = kT0};
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(requeue));
  ASSERT_TRUE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetJob(j.id));
  EXPECT_EQ(got.voice_similarity, 0.8125);
  // Every reader of job rows returns it, the claim included.
  VOX_ASSERT_OK_AND_ASSIGN(claimed, store_->ClaimNextJob("w2", 10000, kT0 + 30));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->voice_similarity, 0.8125);
  VOX_ASSERT_OK_AND_ASSIGN(auto claimed_again, store_->ClaimJob(j.id, "w3", 10000, kT0 + 20000));
  ASSERT_TRUE(claimed_again.has_value());
  EXPECT_EQ(claimed_again->voice_similarity, 0.8125);

  // A negative score (cosine similarity can be) and CreateJob's own value.
  JobTransition done{
      .job_id = j.id, .to = JobStatus::kDone, .at = kT0 + 20010, .voice_similarity = -0.25};
  VOX_ASSERT_OK_AND_ASSIGN(moved, store_->TransitionJob(done));
  ASSERT_TRUE(moved);
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetJob(j.id));
  EXPECT_EQ(got.voice_similarity, -0.25);
  Job preset = NewJob(u.id);
  preset.voice_similarity = 0.5;
  VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult created, store_->CreateJob(preset, {}));
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetJob(created.job.id));
  EXPECT_EQ(got.voice_similarity, 0.5);
}

}  // namespace
}  // namespace vox::store::testing
