// Conformance: consent revocation (schema 8): a voice becomes revoked for good
// with its biometric metadata replaced, and a voice's jobs are listed page by
// page so a revocation can fail and purge them.
#include <set>

#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

constexpr const char* kBiometric =
    R"({"embedding":{"v":[0.1,0.2]},"profile":{"f0":180},"consent":{"wer":0.1}})";
constexpr const char* kRecord = R"({"revocation":{"at":1700000000100,"by":"u"}})";

Voice ReadyClone(const std::string& user_id) {
  Voice v;
  v.id = NewUuid();
  v.user_id = user_id;
  v.name = "jane";
  v.kind = VoiceKind::kClone;
  v.status = VoiceStatus::kReady;
  v.engine = "flite";
  v.metadata = kBiometric;
  return v;
}

}  // namespace

TEST_P(StoreConformance, ARevokedVoiceKeepsItsRowAndLosesItsBiometricData) {
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(Voice voice, store_->CreateVoice(ReadyClone(alice.id)));

  VOX_ASSERT_OK_AND_ASSIGN(Voice revoked, store_->RevokeVoice(voice.id, kRecord, kT0 + 100));
  EXPECT_EQ(revoked.status, VoiceStatus::kRevoked);
  EXPECT_EQ(revoked.metadata, kRecord);
  EXPECT_EQ(revoked.updated_at, kT0 + 100);
  EXPECT_FALSE(revoked.deleted_at.has_value());
  VOX_ASSERT_OK_AND_ASSIGN(Voice stored, store_->GetVoice(voice.id));
  EXPECT_EQ(stored.status, VoiceStatus::kRevoked);
  EXPECT_EQ(stored.metadata.find("embedding"), std::string::npos) << stored.metadata;
  EXPECT_EQ(stored.name, "jane");

  // Idempotent: a second revocation changes nothing and answers the first's state.
  VOX_ASSERT_OK_AND_ASSIGN(Voice again, store_->RevokeVoice(voice.id, R"({"other":1})", kT0 + 900));
  EXPECT_EQ(again.metadata, kRecord);
  EXPECT_EQ(again.updated_at, kT0 + 100);

  // Final: no update brings it back, and UpdateVoice cannot make one.
  VoiceUpdate back{.id = voice.id, .status = VoiceStatus::kReady, .metadata = kBiometric};
  EXPECT_EQ(CodeOf(store_->UpdateVoice(back)), ErrorCode::kFailedPrecondition);
  VoiceUpdate sneak{.id = voice.id, .metadata = kBiometric};
  EXPECT_EQ(CodeOf(store_->UpdateVoice(sneak)), ErrorCode::kFailedPrecondition);
  VOX_ASSERT_OK_AND_ASSIGN(Voice other, store_->CreateVoice(ReadyClone(alice.id)));
  VoiceUpdate shortcut{.id = other.id, .status = VoiceStatus::kRevoked};
  EXPECT_EQ(CodeOf(store_->UpdateVoice(shortcut)), ErrorCode::kInvalidArgument);
  VOX_ASSERT_OK_AND_ASSIGN(stored, store_->GetVoice(voice.id));
  EXPECT_EQ(stored.metadata, kRecord);

  // Listed to its owner (it says revoked) and found by a sweep of its status.
  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListVoices(alice.id, false));
  ASSERT_EQ(listed.size(), 2u);
  VOX_ASSERT_OK_AND_ASSIGN(auto in_status, store_->ListVoicesInStatus(VoiceStatus::kRevoked, 10));
  ASSERT_EQ(in_status.size(), 1u);
  EXPECT_EQ(in_status[0].id, voice.id);

  // A revoked voice can still be deleted; a deleted one has nothing left to revoke.
  VOX_ASSERT_OK(store_->DeleteVoice(voice.id, kT0 + 1000));
  VOX_ASSERT_OK_AND_ASSIGN(stored, store_->GetVoice(voice.id));
  EXPECT_EQ(stored.status, VoiceStatus::kDeleted);
  EXPECT_EQ(CodeOf(store_->RevokeVoice(voice.id, kRecord, 0)), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(store_->RevokeVoice(NewUuid(), kRecord, 0)), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, AVoicesJobsAreListedPageByPage) {
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(Voice voice, store_->CreateVoice(ReadyClone(alice.id)));
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    Job job = NewJob(alice.id);
    job.voice_id = voice.id;
    job.status = i % 2 ? JobStatus::kDone : JobStatus::kQueued;
    VOX_ASSERT_OK_AND_ASSIGN(CreateJobResult created, store_->CreateJob(job, {}));
    expected.insert(created.job.id);
  }
  AddQueuedJob(alice.id);  // another voice's

  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 10; ++page) {
    VOX_ASSERT_OK_AND_ASSIGN(auto jobs, store_->ListVoiceJobs(voice.id, after, 2));
    if (jobs.empty()) break;
    EXPECT_LE(jobs.size(), 2u);
    for (const Job& j : jobs) {
      EXPECT_EQ(j.voice_id, voice.id);
      EXPECT_GT(j.id, after) << "pages follow the id order";
      seen.push_back(j.id);
      after = j.id;
    }
  }
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "no job twice";
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->ListVoiceJobs(NewUuid(), "", 10));
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(CodeOf(store_->ListVoiceJobs(voice.id, "", 0)), ErrorCode::kInvalidArgument);
}

}  // namespace vox::store::testing
