// ConsentRevoker over a real SQLite store, the store's cache table and each
// blob backend (a directory, and s3rver on loopback): what a revocation
// fails, purges and keeps, who may do it, and that doing it again is the same.
#include "cloning/consent_revocation.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "blob/s3/testing/s3rver_process.h"
#include "cloning/clone_metadata.h"
#include "cloning/voice_resolver.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "engines/timeline.h"
#include "store/job_params.h"

namespace vox::cloning {
namespace {

namespace fs = std::filesystem;

struct BlobBackend {
  std::string name;
  std::function<std::string(const fs::path& tmp)> url;  // empty: unavailable
};
void PrintTo(const BlobBackend& b, std::ostream* os) { *os << b.name; }

template <typename T>
std::optional<ErrorCode> CodeOf(const Result<T>& r) {
  return r ? std::nullopt : std::optional(r.error().code);
}

class ConsentRevocationTest : public ::testing::TestWithParam<BlobBackend> {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("vox-revoke-" + RandomToken(8));
    fs::create_directories(tmp_);
    const std::string url = GetParam().url(tmp_);
    if (url.empty()) {
      if (blob::testing::TestServicesRequired()) FAIL() << "s3rver cannot start";
      GTEST_SKIP() << "s3rver cannot start";
    }
    auto blobs = blob::OpenBlobStore(url);
    ASSERT_TRUE(blobs) << blobs.error().ToString();
    blobs_ = std::move(*blobs);
    auto store = store::OpenStore("sqlite://" + (tmp_ / "vox.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate());
    cache_ = cache::MakeStoreCache(*store_);
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::string AddUser(const std::string& name) {
    store::User u;
    u.id = NewUuid();
    u.name = name;
    auto user = store_->CreateUser(u);
    EXPECT_TRUE(user);
    return user ? user->id : "";
  }

  // A ready clone of alice's with its sample, consent recording and a staged upload.
  std::string AddClone() {
    store::Voice v;
    v.user_id = alice_;
    v.name = "jane";
    v.status = store::VoiceStatus::kReady;
    v.engine = "flite";
    v.metadata = R"({"embedding":{"v":[0.5]},"consent":{"wer":0.1},"labels":["a"]})";
    auto created = store_->CreateVoice(v);
    EXPECT_TRUE(created);
    for (const std::string& key :
         {SampleKey(created->id), ConsentKey(created->id), "uploads/" + created->id + "/0"}) {
      EXPECT_TRUE(blobs_->Put(key, "RIFF", "audio/wav"));
    }
    return created->id;
  }

  // A job of alice's in `voice_id`; a done one has its audio, marks,
  // timestamps and a cache entry (its cache-hit twin shares them).
  store::Job AddJob(const std::string& voice_id, store::JobStatus status, bool cache_hit = false) {
    store::Job j;
    j.id = NewUuid();
    j.user_id = alice_;
    j.voice_id = voice_id;
    j.text = "Hello.";
    j.format = "wav";
    j.status = status == store::JobStatus::kDone ? status : store::JobStatus::kQueued;
    j.cache_key = "cache-of-" + voice_id;
    j.created_at = j.updated_at = j.next_attempt_at = 1000 + static_cast<int64_t>(++seq_);
    if (status == store::JobStatus::kDone) {
      j.audio_key = "audio/" + (cache_hit ? "first-of-" + voice_id : j.id) + ".wav";
      j.cache_hit = cache_hit;
      EXPECT_TRUE(blobs_->Put(*j.audio_key, "RIFF", "audio/wav"));
      EXPECT_TRUE(blobs_->Put(store::MarksBlobKey(*j.audio_key), "[]", "application/json"));
      EXPECT_TRUE(blobs_->Put(engines::TimestampsKey(j.id), "{}", "application/json"));
      store::CacheEntry entry{j.cache_key, *j.audio_key, "wav", 1.0, 4, 1000, 1000, 0};
      EXPECT_TRUE(cache_->Put(entry));
    }
    auto created = store_->CreateJob(j, {});
    EXPECT_TRUE(created);
    if (status != store::JobStatus::kDone && status != store::JobStatus::kQueued) {
      auto claimed = store_->ClaimJob(j.id, "w1", 60'000, NowMs());
      EXPECT_TRUE(claimed && *claimed);
    }
    return j;
  }

  bool Exists(const std::string& key) { return blobs_->Head(key).has_value(); }

  Result<Revocation> Revoke(const std::string& id, const std::string& user, bool admin) {
    return ConsentRevoker(*store_, *blobs_, *cache_)
        .Revoke(id, Actor{user, "key-1", "req-1"}, admin);
  }

  int Audits(const std::string& voice_id) {
    store::AuditQuery q;
    q.target_id = voice_id;
    q.action = "voice.revoke_consent";
    auto events = store_->ListAudit(q);
    EXPECT_TRUE(events);
    return events ? static_cast<int>(events->size()) : -1;
  }

  fs::path tmp_;
  std::unique_ptr<blob::BlobStore> blobs_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<cache::AudioCache> cache_;
  std::string alice_, bob_;
  int seq_ = 0;
};

TEST_P(ConsentRevocationTest, FailsPendingJobsPurgesEverythingAndKeepsTheRecord) {
  const std::string id = AddClone();
  const store::Job done = AddJob(id, store::JobStatus::kDone);
  const store::Job hit = AddJob(id, store::JobStatus::kDone, /*cache_hit=*/true);
  const store::Job queued = AddJob(id, store::JobStatus::kQueued);
  const store::Job running = AddJob(id, store::JobStatus::kPicked);
  const std::string other = AddClone();
  const store::Job kept = AddJob(other, store::JobStatus::kDone);

  EXPECT_EQ(CodeOf(Revoke(id, bob_, false)), ErrorCode::kNotFound) << "not bob's to see";
  EXPECT_EQ(CodeOf(Revoke("flite-slt", alice_, false)), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(Exists(SampleKey(id))) << "a refused caller changed nothing";

  auto revoked = Revoke(id, alice_, false);
  ASSERT_TRUE(revoked) << revoked.error().ToString();
  EXPECT_TRUE(revoked->first);
  EXPECT_EQ(revoked->voice.status, store::VoiceStatus::kRevoked);
  EXPECT_EQ(revoked->voice.metadata.find("embedding"), std::string::npos);
  EXPECT_EQ(revoked->voice.metadata.find("consent\""), std::string::npos);
  EXPECT_EQ(revoked->purged_jobs, 4);
  ASSERT_EQ(revoked->failed.size(), 2u);
  for (const std::string& job_id : {queued.id, running.id}) {
    auto job = store_->GetJob(job_id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->status, store::JobStatus::kFailed);
    EXPECT_TRUE(job->error_message.value_or("").starts_with("consent revoked"))
        << job->error_message.value_or("");
  }
  EXPECT_EQ(store_->GetJob(done.id)->status, store::JobStatus::kDone) << "history stays";

  for (const std::string& key :
       {SampleKey(id), ConsentKey(id), "uploads/" + id + "/0", *done.audio_key, *hit.audio_key,
        store::MarksBlobKey(*done.audio_key), engines::TimestampsKey(done.id)}) {
    EXPECT_FALSE(Exists(key)) << key;
  }
  EXPECT_FALSE(cache_->Get(done.cache_key).value_or(std::nullopt).has_value());
  // Another voice's data is untouched.
  for (const std::string& key : {SampleKey(other), *kept.audio_key}) EXPECT_TRUE(Exists(key));
  EXPECT_TRUE(cache_->Get(kept.cache_key).value_or(std::nullopt).has_value());
  EXPECT_EQ(Audits(id), 1);

  // The voice refuses to speak, for new work and for work already running.
  auto speak = VoiceResolver(*store_).ForSynthesis(id, Caller{alice_});
  ASSERT_FALSE(speak);
  EXPECT_EQ(speak.error().code, ErrorCode::kUnprocessable);
  EXPECT_TRUE(speak.error().message.starts_with("consent revoked")) << speak.error().message;
  SentenceGuard guard(*store_, id);
  EXPECT_EQ(CodeOf(guard.Check(3)), ErrorCode::kUnprocessable);
  SentenceGuard builtin(*store_, "flite-slt");
  EXPECT_TRUE(builtin.Check(0));

  // An admin revoking again: the same voice, no second record, nothing left to fail.
  auto again = Revoke(id, bob_, /*as_admin=*/true);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(again->first);
  EXPECT_EQ(again->voice.metadata, revoked->voice.metadata);
  EXPECT_EQ(again->voice.updated_at, revoked->voice.updated_at);
  EXPECT_TRUE(again->failed.empty());
  EXPECT_EQ(Audits(id), 1);

  // A deleted voice has nothing left to revoke.
  ASSERT_TRUE(store_->DeleteVoice(other, 0));
  EXPECT_EQ(CodeOf(Revoke(other, alice_, false)), ErrorCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(
    Blobs, ConsentRevocationTest,
    ::testing::Values(BlobBackend{"file",
                                  [](const fs::path& tmp) {
                                    return "file://" + (tmp / "blobs").string();
                                  }},
                      BlobBackend{"s3",
                                  [](const fs::path&) -> std::string {
                                    auto* s3 = blob::testing::SharedS3rver();
                                    if (s3 == nullptr) return "";
                                    blob::testing::S3rverProcess::ExportCredentials();
                                    return s3->StorageUrl("vox-test", "revoke-" + RandomToken(8));
                                  }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vox::cloning
