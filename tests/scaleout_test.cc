// The scale-out shape under faults: separate `vox api` and `vox worker`
// processes over PostgreSQL, Redis and an S3-compatible server, all started
// here on loopback in temporary directories (each test its own services, so
// a test may stop them). Bounded: every wait has a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "audio/decode.h"
#include "blob/blob_store.h"
#include "blob/s3/testing/s3rver_process.h"
#include "redis/testing/redis_test_server.h"
#include "store/postgres/testing/pg_test_server.h"
#include "store/store.h"
#include "support/api_client.h"
#include "support/clone_upload.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr char kSecret[] = "scale-out-test-signing-secret-0123456789abcdef";

// The three services and the URLs every process of the cluster shares.
class Cluster {
 public:
  // Empty when every service started; otherwise why not.
  std::string StartServices() {
    auto pg = store::postgres::testing::PgTestServer::Start();
    if (!pg) return "PostgreSQL: " + pg.error().message;
    pg_ = std::move(*pg);
    auto redis = vox::redis::testing::RedisTestServer::Start();
    if (!redis) return "Redis: " + redis.error().message;
    redis_ = std::move(*redis);
    auto s3 = blob::testing::S3rverProcess::Start({"vox-audio"});
    if (!s3) return "s3rver: " + s3.error().message;
    s3_ = std::move(*s3);
    blob::testing::S3rverProcess::ExportCredentials();
    storage_url_ = s3_->StorageUrl("vox-audio");
    return "";
  }

  std::vector<std::string> Args(
      const std::string& queue_query = "?lease_ms=3000&reconcile_ms=500") const {
    return {"--database-url", pg_->url(),   "--queue-url",      redis_->Url(queue_query),
            "--storage-url",  storage_url_, "--signing-secret", kSecret};
  }

  // Starts `vox api` or `vox worker` with the shared URLs plus `extra`.
  ServerProcess& Launch(const std::string& role, std::vector<std::string> extra = {}) {
    auto args = Args();
    args.insert(args.end(), extra.begin(), extra.end());
    auto& p = processes_.emplace_back(std::make_unique<ServerProcess>(
        dir_.path() / std::to_string(processes_.size()), args, role));
    EXPECT_TRUE(p->Start()) << p->output();
    if (!p->admin_key().empty()) admin_key_ = p->admin_key();
    return *p;
  }

  std::unique_ptr<store::Store> OpenStore() const {
    auto s = store::OpenStore(pg_->url());
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<blob::BlobStore> OpenBlobs() const {
    auto b = blob::OpenBlobStore(storage_url_);
    EXPECT_TRUE(b) << b.error().message;
    return b ? std::move(*b) : nullptr;
  }

  store::postgres::testing::PgTestServer& pg() { return *pg_; }
  vox::redis::testing::RedisTestServer& redis() { return *redis_; }
  void StopS3() { s3_.reset(); }
  const std::string& admin_key() const { return admin_key_; }

 private:
  TempDir dir_;
  std::unique_ptr<store::postgres::testing::PgTestServer> pg_;
  std::unique_ptr<vox::redis::testing::RedisTestServer> redis_;
  std::unique_ptr<blob::testing::S3rverProcess> s3_;
  std::string storage_url_;
  std::string admin_key_;
  std::vector<std::unique_ptr<ServerProcess>> processes_;
};

#define START_CLUSTER_OR_SKIP(cluster)                          \
  do {                                                          \
    std::string why = (cluster).StartServices();                \
    if (!why.empty()) {                                         \
      if (blob::testing::TestServicesRequired()) FAIL() << why; \
      GTEST_SKIP() << why;                                      \
    }                                                           \
  } while (0)

std::string Submit(ApiClient& api, const std::string& text) {
  auto r = api.Submit({{"text", text}, {"format", "wav"}});
  EXPECT_TRUE(r && r->status == 202) << (r ? r->body : r.error().message);
  return r && r->status == 202 ? r->JsonBody()["job_id"].get<std::string>() : "";
}

// Each job ended done exactly once (one `done` row in its event log) and its
// audio object decodes; exactly one object per job under audio/.
void ExpectDoneOnceWithAudio(Cluster& cluster, const std::vector<std::string>& ids) {
  auto store = cluster.OpenStore();
  auto blobs = cluster.OpenBlobs();
  ASSERT_TRUE(store && blobs);
  auto keys = blobs->List("audio/");
  ASSERT_TRUE(keys) << keys.error().message;
  std::map<std::string, int> objects_per_job;
  for (const auto& key : *keys) ++objects_per_job[fs::path(key).stem().string()];
  for (const auto& id : ids) {
    auto job = store->GetJob(id);
    ASSERT_TRUE(job) << id;
    ASSERT_EQ(job->status, store::JobStatus::kDone) << id << " " << job->error_message.value_or("");
    auto events = store->ListJobEvents(id);
    ASSERT_TRUE(events);
    int done = 0;
    for (const auto& e : *events) done += e.status == store::JobStatus::kDone;
    EXPECT_EQ(done, 1) << id;
    EXPECT_EQ(objects_per_job[id], 1) << id;
    ASSERT_TRUE(job->audio_key) << id;
    auto audio = blobs->Get(*job->audio_key);
    ASSERT_TRUE(audio) << *job->audio_key;
    EXPECT_TRUE(audio::Decode(*audio)) << *job->audio_key;
  }
}

TEST(ScaleOut, WorkerKilledMidJobAnotherWorkerFinishesItOnce) {
  Cluster cluster;
  START_CLUSTER_OR_SKIP(cluster);
  auto& api_process = cluster.Launch("api");
  auto& doomed = cluster.Launch("worker", {"--workers", "1"});
  ApiClient api(api_process.port(), cluster.admin_key());
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "This long job sentence " + std::to_string(i) + " keeps a worker busy. ";
  std::string id = Submit(api, text);
  // Wait until the only worker is inside the job, then kill it without warning.
  auto deadline = steady_clock::now() + seconds(60);
  while (steady_clock::now() < deadline &&
         api.Call("GET", "/v1/tts/job/" + id)->JsonBody()["status"] == "queued") {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  doomed.Kill();
  cluster.Launch("worker", {"--workers", "1"});
  json job = api.WaitForFinal(id, seconds(120));
  ASSERT_EQ(job["status"], "done") << job.dump();
  ExpectDoneOnceWithAudio(cluster, {id});
  // The rescue is on record: the job was picked twice (attempts 2).
  auto store = cluster.OpenStore();
  EXPECT_EQ(store->GetJob(id)->attempts, 2);
}

TEST(ScaleOut, RedisRestartsEvenWithoutItsDataLoseNoJob) {
  Cluster cluster;
  START_CLUSTER_OR_SKIP(cluster);
  auto& api_process = cluster.Launch("api");
  ApiClient api(api_process.port(), cluster.admin_key());
  std::vector<std::string> ids;
  auto submit = [&](int n, const std::string& tag) {
    for (int i = 0; i < n; ++i)
      ids.push_back(Submit(api, tag + " job number " + std::to_string(i) + "."));
  };
  // 1. No worker yet, every job in the stream: kill -9 and restart (AOF on).
  submit(15, "Before the crash");
  cluster.redis().Kill();
  ASSERT_TRUE(cluster.redis().Restart());
  submit(5, "After the restart");  // the API's pooled connections heal on their own
  // 2. A worker mid-way, then Redis comes back with nothing at all: the Store
  // is the truth, and the worker's reconciler puts every waiting job back.
  cluster.Launch("worker", {"--workers", "1"});
  auto deadline = steady_clock::now() + seconds(60);
  while (steady_clock::now() < deadline &&
         cluster.OpenStore()->CountJobs(store::JobStatus::kDone).value_or(0) < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(cluster.redis().RestartEmpty());
  submit(5, "After the data loss");
  for (const auto& id : ids) EXPECT_EQ(api.WaitForFinal(id, seconds(120))["status"], "done") << id;
  ExpectDoneOnceWithAudio(cluster, ids);
}

TEST(ScaleOut, PostgresDownGives503WithRetryAfterAndRecovers) {
  Cluster cluster;
  START_CLUSTER_OR_SKIP(cluster);
  auto& api_process = cluster.Launch("api");
  cluster.Launch("worker", {"--workers", "1"});
  ApiClient api(api_process.port(), cluster.admin_key());
  std::string before = Submit(api, "Accepted before the database went away.");
  ASSERT_EQ(api.WaitForFinal(before, seconds(60))["status"], "done");

  ASSERT_TRUE(cluster.pg().Pause());
  auto started = steady_clock::now();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/tts/job/" + before}, {"GET", "/readyz"}}) {
    auto r = api.Call(method, path);
    ASSERT_TRUE(r) << path << ": " << r.error().message;
    EXPECT_EQ(r->status, 503) << path << " " << r->body;
    EXPECT_TRUE(r->headers.Get("Retry-After")) << path;
  }
  auto submit = api.Submit({{"text", "While the database is down."}});
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->status, 503) << submit->body;
  EXPECT_TRUE(submit->headers.Get("Retry-After"));
  EXPECT_LT(steady_clock::now() - started, seconds(30)) << "answers must not hang";

  ASSERT_TRUE(cluster.pg().Resume());
  // Recovers by itself: the same processes serve again.
  std::string after;
  auto deadline = steady_clock::now() + seconds(60);
  while (after.empty() && steady_clock::now() < deadline) {
    auto r = api.Submit({{"text", "Accepted after the database came back."}});
    if (r && r->status == 202)
      after = r->JsonBody()["job_id"];
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_FALSE(after.empty()) << "the API did not recover";
  EXPECT_EQ(api.WaitForFinal(after, seconds(60))["status"], "done");
  EXPECT_EQ(api.Call("GET", "/readyz")->status, 200);
}

TEST(ScaleOut, StorageDownJobsRetryThenFailWithTheReason) {
  Cluster cluster;
  START_CLUSTER_OR_SKIP(cluster);
  auto& api_process = cluster.Launch("api");
  cluster.Launch("worker",
                 {"--workers", "1", "--job-max-attempts", "3", "--job-retry-base-ms", "100"});
  ApiClient api(api_process.port(), cluster.admin_key());
  cluster.StopS3();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(Submit(api, "Nowhere to store sentence " + std::to_string(i) + "."));
  auto store = cluster.OpenStore();
  for (const auto& id : ids) {
    json job = api.WaitForFinal(id, seconds(120));
    ASSERT_EQ(job["status"], "failed") << job.dump();
    EXPECT_FALSE(job.contains("audio_url")) << job.dump();
    auto row = store->GetJob(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->attempts, 3);
    EXPECT_FALSE(row->audio_key);
    std::string reason = row->error_message.value_or("");
    EXPECT_EQ(reason.rfind("storing the audio failed: S3 PUT", 0), 0u) << reason;
    EXPECT_EQ(row->error_code.value_or(""), "attempts_exhausted");
  }
}

TEST(ScaleOut, TwoApisTwoWorkersBurstOf500AllDoneNoneTwice) {
  Cluster cluster;
  START_CLUSTER_OR_SKIP(cluster);
  // The per-key submission limit and the per-user cap on queued jobs
  // (VOX_MAX_QUEUED_JOBS_PER_USER) would (rightly) refuse a burst like this.
  auto& api_a = cluster.Launch("api", {"--rate-limit", "0", "--max-queued-jobs-per-user", "0"});
  auto& api_b = cluster.Launch("api", {"--rate-limit", "0", "--max-queued-jobs-per-user", "0"});
  cluster.Launch("worker", {"--workers", "1"});
  cluster.Launch("worker", {"--workers", "1"});
  constexpr int kJobs = 500;
  std::vector<std::string> ids(kJobs);
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      ApiClient api(c % 2 ? api_b.port() : api_a.port(), cluster.admin_key());
      for (int i = c; i < kJobs; i += 4)
        ids[i] = Submit(api, "Burst job " + std::to_string(i) + ".");
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), static_cast<size_t>(kJobs));
  ApiClient api(api_a.port(), cluster.admin_key());
  // Either API sees both workers' heartbeats, in /readyz and in /metrics.
  json ready = ApiClient(api_b.port(), "").Call("GET", "/readyz")->JsonBody();
  EXPECT_EQ(ready["checks"]["workers"]["live"], 2) << ready.dump();
  EXPECT_EQ(ready["checks"]["workers"]["status"], "ok") << ready.dump();
  std::string metrics = ApiClient(api_a.port(), "").Call("GET", "/metrics")->body;
  EXPECT_NE(metrics.find("vox_workers_live 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("vox_queue_jobs{state=\"backlog\"}"), std::string::npos);
  for (const auto& id : ids) ASSERT_EQ(api.WaitForFinal(id, seconds(300))["status"], "done") << id;
  ExpectDoneOnceWithAudio(cluster, ids);
  // The cache of identical requests is shared (in Redis): a job done through
  // one API is a cache hit through the other.
  ApiClient other(api_b.port(), cluster.admin_key());
  auto repeat = other.Submit({{"text", "Burst job 0."}, {"format", "wav"}});
  ASSERT_TRUE(repeat && repeat->status == 202);
  // Watermarks on: a worker finishes the hit (its own marked copy of the cached master).
  EXPECT_EQ(other.WaitForFinal(repeat->JsonBody()["job_id"], seconds(300))["cache_hit"], true)
      << repeat->body;
}

// A voice cloned through one API process is used through another and
// synthesized by a worker process: metadata in PostgreSQL, audio in S3.
TEST(ScaleOut, CloneMadeThroughOneApiServesThroughAnotherAndDeletesFromS3) {
  Cluster cluster;
  START_CLUSTER_OR_SKIP(cluster);
  auto& api1 = cluster.Launch("api");
  auto& api2 = cluster.Launch("api");
  cluster.Launch("worker", {"--workers", "1"});
  ApiClient first(api1.port(), cluster.admin_key());
  ApiClient second(api2.port(), cluster.admin_key());

  // The challenge is issued through one API process and spent through the other: the store
  // (PostgreSQL) holds it for both.
  const ConsentReading consent = ReadConsent(second, "flite-slt-f0x1.2", "Jane Doe");
  auto created = Upload(
      first, "/v1/voice/create",
      {{"name", "Jane"},
       {"speaker_name", "Jane Doe"},
       {"files", Encode(Speak("flite-slt-f0x1.2", voice::testing::EvaluationSentences())), "a.wav"},
       {"consent_audio", consent.audio, "c.wav"},
       {"challenge_id", consent.challenge_id}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 202) << created->body;
  const std::string id = created->JsonBody()["voice_id"];
  // Made by a worker process, visible through the other API process.
  const json made = second.WaitForVoice(id);
  ASSERT_EQ(made["status"], "ready") << made.dump();
  auto blobs = cluster.OpenBlobs();
  ASSERT_TRUE(blobs);
  auto keys = blobs->List("voices/" + id + "/");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->size(), 2u);  // sample.wav and consent.wav

  auto submitted = second.Submit(
      {{"text", "Spoken through the other API process."}, {"voice_id", id}, {"format", "wav"}});
  ASSERT_TRUE(submitted && submitted->status == 202) << (submitted ? submitted->body : "");
  json job = second.WaitForFinal(submitted->JsonBody()["job_id"], seconds(60));
  ASSERT_EQ(job["status"], "done") << job.dump();
  EXPECT_TRUE(job.contains("voice_similarity")) << job.dump();

  ASSERT_EQ(second.Call("DELETE", "/v1/voices/" + id)->status, 204);
  keys = blobs->List("voices/" + id + "/");
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->empty());
  EXPECT_EQ(first.Submit({{"text", "Gone."}, {"voice_id", id}})->status, 422);
}

}  // namespace
}  // namespace vox::testing
