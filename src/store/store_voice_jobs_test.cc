// Conformance: voice creation jobs (schema 3): a voice inserted with its job
// in one transaction, the job kind, the per-user count of running creations,
// the sweep's listing and the guarded status change that finishes a voice.
#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

Voice ProcessingClone(const std::string& user_id, const std::string& name = "jane") {
  Voice v;
  v.id = NewUuid();
  v.user_id = user_id;
  v.name = name;
  v.kind = VoiceKind::kClone;
  v.status = VoiceStatus::kProcessing;
  v.engine = "flite";
  v.metadata = R"({"labels":["a"]})";
  return v;
}

}  // namespace

TEST_P(StoreConformance, AVoiceAndItsCreationJobAreInsertedTogether) {
  User alice = AddUser("alice");
  Voice voice = ProcessingClone(alice.id);
  Job job = NewJob(alice.id);
  job.kind = JobKind::kVoiceCreation;
  job.voice_id = voice.id;
  VOX_ASSERT_OK_AND_ASSIGN(
      CreateJobResult created,
      store_->CreateVoiceCreationJob(voice, job,
                                     {{0, "", JobStatus::kQueued, kT0, 0, "voice creation"}}));
  EXPECT_TRUE(created.created);
  VOX_ASSERT_OK_AND_ASSIGN(Job stored, store_->GetJob(created.job.id));
  EXPECT_EQ(stored.kind, JobKind::kVoiceCreation);
  EXPECT_EQ(stored.voice_id, voice.id);
  VOX_ASSERT_OK_AND_ASSIGN(Voice row, store_->GetVoice(voice.id));
  EXPECT_EQ(row.status, VoiceStatus::kProcessing);
  VOX_ASSERT_OK_AND_ASSIGN(auto events, store_->ListJobEvents(stored.id));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "voice creation");

  // A synthesis job reads back as one.
  Job plain = AddQueuedJob(alice.id);
  VOX_ASSERT_OK_AND_ASSIGN(Job plain_stored, store_->GetJob(plain.id));
  EXPECT_EQ(plain_stored.kind, JobKind::kSynthesis);
}

TEST_P(StoreConformance, AVoiceCreationThatCannotBeStoredLeavesNoVoice) {
  User alice = AddUser("alice");
  // The job cannot be inserted (its id is taken): the voice goes with it.
  Job taken = AddQueuedJob(alice.id);
  Voice voice = ProcessingClone(alice.id);
  Job job = NewJob(alice.id);
  job.id = taken.id;
  job.kind = JobKind::kVoiceCreation;
  job.voice_id = voice.id;
  EXPECT_EQ(CodeOf(store_->CreateVoiceCreationJob(voice, job, {})), ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->GetVoice(voice.id)), ErrorCode::kNotFound);

  // An unknown owner: nothing at all.
  Voice orphan = ProcessingClone(NewUuid());
  Job orphan_job = NewJob(*orphan.user_id);
  orphan_job.kind = JobKind::kVoiceCreation;
  orphan_job.voice_id = orphan.id;
  EXPECT_EQ(CodeOf(store_->CreateVoiceCreationJob(orphan, orphan_job, {})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->GetVoice(orphan.id)), ErrorCode::kNotFound);

  // A job that is not this voice's creation is refused before anything is written.
  Voice other = ProcessingClone(alice.id);
  Job wrong = NewJob(alice.id);
  wrong.voice_id = other.id;  // kind synthesis
  EXPECT_EQ(CodeOf(store_->CreateVoiceCreationJob(other, wrong, {})), ErrorCode::kInvalidArgument);
  wrong.kind = JobKind::kVoiceCreation;
  wrong.voice_id = NewUuid();
  EXPECT_EQ(CodeOf(store_->CreateVoiceCreationJob(other, wrong, {})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->GetVoice(other.id)), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, RunningCreationsAreCountedPerUserAndKind) {
  User alice = AddUser("alice");
  User bob = AddUser("bob");
  std::vector<std::string> alice_jobs;
  for (int i = 0; i < 3; ++i) {
    Voice voice = ProcessingClone(alice.id, "v" + std::to_string(i));
    Job job = NewJob(alice.id);
    job.kind = JobKind::kVoiceCreation;
    job.voice_id = voice.id;
    job.next_attempt_at = kT0;
    VOX_ASSERT_OK_AND_ASSIGN(auto created, store_->CreateVoiceCreationJob(voice, job, {}));
    alice_jobs.push_back(created.job.id);
  }
  AddQueuedJob(alice.id);  // a synthesis job: another kind
  AddQueuedJob(bob.id);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t none,
                           store_->CountRunningJobs(alice.id, JobKind::kVoiceCreation, ""));
  EXPECT_EQ(none, 0);  // queued is not running

  for (const auto& id : {alice_jobs[0], alice_jobs[1]}) {
    VOX_ASSERT_OK_AND_ASSIGN(auto claimed, store_->ClaimJob(id, "w1", 30'000, kT0 + 10));
    ASSERT_TRUE(claimed.has_value());
  }
  VOX_ASSERT_OK_AND_ASSIGN(int64_t two,
                           store_->CountRunningJobs(alice.id, JobKind::kVoiceCreation, ""));
  EXPECT_EQ(two, 2);
  VOX_ASSERT_OK_AND_ASSIGN(
      int64_t others, store_->CountRunningJobs(alice.id, JobKind::kVoiceCreation, alice_jobs[0]));
  EXPECT_EQ(others, 1);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t bobs,
                           store_->CountRunningJobs(bob.id, JobKind::kVoiceCreation, ""));
  EXPECT_EQ(bobs, 0);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t synth,
                           store_->CountRunningJobs(alice.id, JobKind::kSynthesis, ""));
  EXPECT_EQ(synth, 0);
}

TEST_P(StoreConformance, AProcessingVoiceIsFinishedOnceAndListedUntilThen) {
  User alice = AddUser("alice");
  Voice a = ProcessingClone(alice.id, "a");
  a.updated_at = a.created_at = kT0 + 2;
  Voice b = ProcessingClone(alice.id, "b");
  b.updated_at = b.created_at = kT0 + 1;
  Voice ready = ProcessingClone(alice.id, "ready");
  ready.status = VoiceStatus::kReady;
  for (const Voice& v : {a, b, ready}) VOX_ASSERT_OK(store_->CreateVoice(v));

  VOX_ASSERT_OK_AND_ASSIGN(auto processing,
                           store_->ListVoicesInStatus(VoiceStatus::kProcessing, 10));
  ASSERT_EQ(processing.size(), 2u);
  EXPECT_EQ(processing[0].id, b.id);  // least recently updated first
  EXPECT_EQ(processing[1].id, a.id);
  VOX_ASSERT_OK_AND_ASSIGN(auto one, store_->ListVoicesInStatus(VoiceStatus::kProcessing, 1));
  EXPECT_EQ(one.size(), 1u);

  VoiceUpdate finish;
  finish.id = a.id;
  finish.status = VoiceStatus::kReady;
  finish.only_if = VoiceStatus::kProcessing;
  finish.metadata = R"({"fit":{}})";
  VOX_ASSERT_OK_AND_ASSIGN(Voice done, store_->UpdateVoice(finish));
  EXPECT_EQ(done.status, VoiceStatus::kReady);
  // A second finisher (a rerun after a crash, a late rejection) changes nothing.
  finish.status = VoiceStatus::kRejected;
  finish.metadata = R"({"rejection":{}})";
  EXPECT_EQ(CodeOf(store_->UpdateVoice(finish)), ErrorCode::kFailedPrecondition);
  VOX_ASSERT_OK_AND_ASSIGN(Voice still, store_->GetVoice(a.id));
  EXPECT_EQ(still.status, VoiceStatus::kReady);
  EXPECT_EQ(still.metadata, R"({"fit":{}})");

  VOX_ASSERT_OK_AND_ASSIGN(processing, store_->ListVoicesInStatus(VoiceStatus::kProcessing, 10));
  ASSERT_EQ(processing.size(), 1u);
  EXPECT_EQ(processing[0].id, b.id);
}

}  // namespace vox::store::testing
