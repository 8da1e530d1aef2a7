// The worker pipeline against real components (SQLite store, local queue,
// file blobs, Flite) with faults injected into storage: transient failures
// are retried with backoff, persistent ones fail the job with a clear reason,
// and no job is ever marked done without its audio.
#include "worker/worker_pool.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "audio/decode.h"
#include "blob/file_blob_store.h"
#include "blob/testing/faulty_blob_store.h"
#include "engines/engine_registry.h"
#include "engines/synthesizer.h"
#include "obs/metrics.h"
#include "queue/job_queue.h"
#include "store/job_params.h"
#include "store/store.h"
#include "worker/audio_sweeper.h"

namespace vox::worker {
namespace {
namespace fs = std::filesystem;
using store::JobStatus;

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vox-worker-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    tmp_ = tmpl;
    store_ = std::move(*store::OpenStore("sqlite://" + (tmp_ / "vox.db").string()));
    ASSERT_TRUE(store_->Migrate());
    store::User user;
    user.name = "tester";
    user_ = *store_->CreateUser(user);
    files_ = std::move(*blob::FileBlobStore::Open(tmp_ / "blobs"));
    blobs_ = std::make_unique<blob::FaultyBlobStore>(*files_);
    queue_ = std::move(*queue::OpenQueue("local://?lease_ms=5000&poll_ms=20", *store_));
    engines::EnginesConfig engines_config;
    engines_config.espeak = false;
    engines_ = std::move(*engines::EngineRegistry::Create(engines_config));
    synthesizer_ = std::make_unique<engines::Synthesizer>(*engines_);
    metrics_ = std::make_unique<WorkerMetrics>(registry_);
    JobRunnerConfig config;
    config.temp_dir = tmp_.string();
    config.retry_base_ms = 10;
    cache_ = cache::MakeStoreCache(*store_);
    runner_ =
        std::make_unique<JobRunner>(*store_, *blobs_, *cache_, *synthesizer_, *metrics_, config);
    WorkerPoolConfig pool_config;
    pool_config.threads = 2;
    pool_config.dequeue_wait_ms = 50;
    pool_ =
        std::make_unique<WorkerPool>(*queue_, *store_, *runner_, *metrics_, pool_config,
                                     [this](const store::Job& job) { finals_.push_back(job.id); });
  }
  void TearDown() override {
    pool_.reset();
    queue_->Shutdown();
    queue_.reset();
    store_.reset();
    fs::remove_all(tmp_);
  }

  std::string Submit(const std::string& text, const std::string& voice = "flite-slt",
                     int max_attempts = 3, const store::JobParams& params = {}) {
    store::Job job;
    job.user_id = user_.id;
    job.status = JobStatus::kQueued;
    job.voice_id = voice;
    job.text = text;
    job.params = params.ToJson();
    job.format = "wav";
    job.max_attempts = max_attempts;
    auto created = store_->CreateJob(job, {{0, "", JobStatus::kQueued, 0, 0, ""}});
    EXPECT_TRUE(created) << created.error().ToString();
    EXPECT_TRUE(queue_->Enqueue(created->job.id));
    return created->job.id;
  }

  store::Job WaitForFinal(const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      auto job = store_->GetJob(id);
      if (job && store::IsTerminal(job->status)) return *job;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return *store_->GetJob(id);
  }

  fs::path tmp_;
  std::unique_ptr<store::Store> store_;
  store::User user_;
  std::unique_ptr<blob::FileBlobStore> files_;
  std::unique_ptr<blob::FaultyBlobStore> blobs_;
  std::unique_ptr<queue::JobQueue> queue_;
  std::unique_ptr<engines::EngineRegistry> engines_;
  std::unique_ptr<engines::Synthesizer> synthesizer_;
  obs::Registry registry_;
  std::unique_ptr<WorkerMetrics> metrics_;
  std::unique_ptr<cache::AudioCache> cache_;
  std::unique_ptr<JobRunner> runner_;
  std::unique_ptr<WorkerPool> pool_;
  std::vector<std::string> finals_;  // written by one pool thread at a time in these tests
};

TEST_F(WorkerPoolTest, JobPassesThroughEveryStageToDone) {
  pool_->Start();
  std::string id = Submit("Every stage is recorded.");
  store::Job job = WaitForFinal(id);
  ASSERT_EQ(job.status, JobStatus::kDone) << job.error_message.value_or("");
  ASSERT_TRUE(job.audio_key);
  auto audio = audio::Decode(*files_->Get(*job.audio_key));
  ASSERT_TRUE(audio);
  EXPECT_NEAR(audio->duration_s(), *job.duration_s, 0.05);
  std::vector<JobStatus> seen;
  auto events = store_->ListJobEvents(id);
  ASSERT_TRUE(events);
  for (const auto& e : *events) seen.push_back(e.status);
  EXPECT_EQ(seen, (std::vector<JobStatus>{JobStatus::kQueued, JobStatus::kPicked,
                                          JobStatus::kPreprocessing, JobStatus::kInference,
                                          JobStatus::kVocoding, JobStatus::kUploading,
                                          JobStatus::kDone}));
}

// Prepared once: the worker speaks the sentences the API stored, without
// normalizing the raw text again (here a text that would not even prepare).
TEST_F(WorkerPoolTest, SpeaksTheSentencesPreparedAtSubmit) {
  pool_->Start();
  store::JobParams prepared;
  prepared.sentences = {"The first prepared sentence.", "And the second one, a little longer."};
  prepared.normalizer = "vox-text/2";
  std::string id = Submit("   ", "flite-slt", 3, prepared);
  store::Job job = WaitForFinal(id);
  ASSERT_EQ(job.status, JobStatus::kDone) << job.error_message.value_or("");
  auto audio = audio::Decode(*files_->Get(*job.audio_key));
  ASSERT_TRUE(audio);
  EXPECT_GT(audio->duration_s(), 2.0);
  // Without stored sentences the same raw text fails its preparation.
  std::string unprepared = Submit("   ");
  EXPECT_EQ(WaitForFinal(unprepared).status, JobStatus::kFailed);
}

TEST_F(WorkerPoolTest, TransientStorageFailuresAreRetriedUntilDone) {
  blobs_->FailWrites(2);
  pool_->Start();
  std::string id = Submit("Storage hiccups twice.");
  store::Job job = WaitForFinal(id);
  EXPECT_EQ(job.status, JobStatus::kDone) << job.error_message.value_or("");
  EXPECT_EQ(job.attempts, 3);
  EXPECT_EQ(blobs_->failed_writes(), 2);
  EXPECT_TRUE(files_->Head(*job.audio_key));
}

TEST_F(WorkerPoolTest, PersistentStorageFailureFailsWithAReasonAndNoAudio) {
  blobs_->FailWrites(-1);
  pool_->Start();
  std::string id = Submit("Storage is down for good.");
  store::Job job = WaitForFinal(id);
  ASSERT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(job.attempts, 3);
  EXPECT_NE(job.error_message.value_or("").find("storage down"), std::string::npos)
      << job.error_message.value_or("");
  EXPECT_FALSE(job.audio_key);
  EXPECT_TRUE(files_->List("audio/")->empty());
  ASSERT_EQ(finals_.size(), 1u);  // the final state is announced once (webhooks)
}

TEST_F(WorkerPoolTest, PermanentErrorsFailAtOnceWithoutRetry) {
  pool_->Start();
  std::string id = Submit("Unknown voice.", "nobody");
  store::Job job = WaitForFinal(id);
  ASSERT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.error_code.value_or(""), "not_found");
}

TEST_F(WorkerPoolTest, CanceledWhileRunningStaysCanceled) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Sentence " + std::to_string(i) + " is here. ";
  pool_->Start();
  std::string id = Submit(text);
  for (int i = 0; i < 500; ++i) {
    if (store_->GetJob(id)->status == JobStatus::kInference) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  store::JobTransition cancel;
  cancel.job_id = id;
  cancel.to = JobStatus::kCanceled;
  ASSERT_TRUE(*store_->TransitionJob(cancel));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  store::Job job = *store_->GetJob(id);
  EXPECT_EQ(job.status, JobStatus::kCanceled);
  EXPECT_FALSE(job.audio_key);
}

TEST_F(WorkerPoolTest, DrainRequeuesUnfinishedWorkWithoutSpendingAttempts) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "Long job sentence " + std::to_string(i) + ". ";
  pool_->Start();
  std::string id = Submit(text);
  for (int i = 0; i < 500; ++i) {
    if (store_->GetJob(id)->status == JobStatus::kInference) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pool_->Drain(std::chrono::milliseconds(0));
  store::Job job = *store_->GetJob(id);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_FALSE(job.lease_owner);
}

// VOX_MIN_FREE_DISK_MB: a worker short of disk claims nothing (the job stays
// queued for workers with room), says so in a metric, and resumes once space
// is back.
TEST_F(WorkerPoolTest, LowDiskStopsClaimsUntilSpaceReturns) {
  pool_.reset();
  std::atomic<uint64_t> free_bytes{100ull << 20};
  WorkerPoolConfig config;
  config.threads = 1;
  config.dequeue_wait_ms = 50;
  config.disk_path = tmp_.string();
  config.min_free_disk_mb = 512;
  config.free_disk_bytes = [&](const std::string& path) -> Result<uint64_t> {
    EXPECT_EQ(path, tmp_.string());
    return free_bytes.load();
  };
  pool_ = std::make_unique<WorkerPool>(*queue_, *store_, *runner_, *metrics_, config);
  pool_->Start();
  std::string id = Submit("Waiting for disk space.");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(store_->GetJob(id)->status, JobStatus::kQueued);
  EXPECT_TRUE(pool_->disk_low());
  const std::string rendered = registry_.Render();
  EXPECT_NE(rendered.find("vox_worker_disk_low 1"), std::string::npos) << rendered;
  free_bytes = 10ull << 30;
  EXPECT_EQ(WaitForFinal(id).status, JobStatus::kDone);
  EXPECT_FALSE(pool_->disk_low());
}

TEST(AudioRetentionTest, ParsesDurations) {
  EXPECT_EQ(ParseRetention(""), 0);
  EXPECT_EQ(ParseRetention("off"), 0);
  EXPECT_EQ(ParseRetention("30d"), 30 * 86'400'000LL);
  EXPECT_EQ(ParseRetention("12h"), 12 * 3'600'000LL);
  EXPECT_EQ(ParseRetention("90m"), 90 * 60'000LL);
  EXPECT_EQ(ParseRetention("45s"), 45'000);
  EXPECT_EQ(ParseRetention("1500ms"), 1500);
  for (const char* bad : {"30", "d", "3x", "-1d", "1.5h", "99999999999999999999d"}) {
    auto r = ParseRetention(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field, "VOX_AUDIO_RETENTION");
  }
}

// Two sweepers (two processes) over one store: each job's audio is expired
// once, a blob shared by a cache hit goes with its last job, the row stays,
// and a failed delete is retried by the next pass.
TEST_F(WorkerPoolTest, RetentionSweepersDeleteAudioOnceAndKeepTheRows) {
  pool_->Start();
  store::Job first = WaitForFinal(Submit("Kept for a while."));
  store::Job other = WaitForFinal(Submit("Another one."));
  ASSERT_EQ(first.status, JobStatus::kDone);
  ASSERT_EQ(other.status, JobStatus::kDone);
  pool_.reset();
  // A cache hit: a later job naming the first job's blob.
  store::Job hit = first;
  hit.id.clear();
  hit.request_hash = "hit";
  hit.finished_at = *first.finished_at + 10'000;
  auto created = store_->CreateJob(hit, {{0, "", JobStatus::kDone, 0, 0, "cache hit"}});
  ASSERT_TRUE(created) << created.error().ToString();
  hit = created->job;

  ManualClock clock(*first.finished_at + 5'000);
  AudioRetention retention{.retention_ms = 2'000, .interval_ms = 100, .batch = 10};
  obs::Registry other_registry;
  AudioSweeper a(*store_, *blobs_, registry_, retention, clock);
  AudioSweeper b(*store_, *blobs_, other_registry, retention, clock);
  auto swept = a.SweepOnce();
  ASSERT_TRUE(swept) << swept.error().ToString();
  EXPECT_EQ(swept->expired, 2);        // first and other; the hit is younger
  EXPECT_EQ(swept->blobs_deleted, 1);  // other's; first's is still the hit's
  EXPECT_TRUE(files_->Head(*first.audio_key));
  EXPECT_FALSE(files_->Head(*other.audio_key));
  store::Job stored = *store_->GetJob(other.id);
  EXPECT_EQ(stored.status, JobStatus::kDone);
  EXPECT_EQ(stored.audio_expired_at, clock.NowMs());

  // A failed delete puts the hit back for the next pass.
  clock.Advance(10'000);
  blobs_->FailDeletes(1);
  swept = a.SweepOnce();
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->failed, 1);
  EXPECT_FALSE(store_->GetJob(hit.id)->audio_expired_at.has_value());
  EXPECT_TRUE(files_->Head(*first.audio_key));
  // Both sweep at once: one of them expires the hit and deletes the blob.
  Result<SweepResult> ra, rb;
  std::thread ta([&] { ra = a.SweepOnce(); });
  std::thread tb([&] { rb = b.SweepOnce(); });
  ta.join();
  tb.join();
  ASSERT_TRUE(ra) << ra.error().ToString();
  ASSERT_TRUE(rb) << rb.error().ToString();
  EXPECT_EQ(ra->expired + rb->expired, 1);
  EXPECT_EQ(ra->blobs_deleted + rb->blobs_deleted, 1);
  EXPECT_EQ(ra->failed + rb->failed, 0);
  EXPECT_FALSE(files_->Head(*first.audio_key));
  EXPECT_TRUE(store_->GetJob(hit.id)->audio_expired_at.has_value());
  swept = a.SweepOnce();  // nothing left
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->expired, 0);
  const std::string rendered = registry_.Render() + other_registry.Render();
  EXPECT_NE(rendered.find("vox_audio_expired_total"), std::string::npos);
}

}  // namespace
}  // namespace vox::worker
