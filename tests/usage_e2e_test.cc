// End-to-end plans, quotas and metering on real `vox` processes: a plan made
// with `vox plans set`, a user on it (`vox users create`) and its key (`vox
// keys create --user`); real syntheses on every route charged to the usage
// table and reported by GET /v1/usage; over the quota every front end answers
// 429 in its own shape and nothing is stored; the plan's concurrency; and the
// plan's rate shared by two `vox api` processes through one real redis-server.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "redis/testing/redis_test_server.h"
#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Vox(const fs::path& data, std::vector<std::string> args) {
  args.insert(args.begin() + 2, {"--data", data.string()});
  CommandResult r = RunVox(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, r.out.find('\n'));
}

// A key of a new user on `plan` (made with `vox plans set NAME plan_args...`).
std::string KeyOnPlan(const fs::path& data, const std::string& plan,
                      std::vector<std::string> plan_args, std::vector<std::string> key_args = {}) {
  std::vector<std::string> set = {"plans", "set", plan};
  set.insert(set.end(), plan_args.begin(), plan_args.end());
  Vox(data, set);
  std::string user = Vox(data, {"users", "create", "--name", plan + "-user", "--plan", plan});
  EXPECT_EQ(user.size(), 36u) << user;
  std::vector<std::string> key = {"keys", "create", "--user", user};
  key.insert(key.end(), key_args.begin(), key_args.end());
  return Vox(data, key);
}

size_t FilesUnder(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    n += it->is_regular_file() ? 1 : 0;
  }
  return n;
}

json Get(ApiClient& api, const std::string& path) {
  auto r = api.Call("GET", path);
  EXPECT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : r.error().ToString());
  return r ? r->JsonBody() : json();
}

TEST(UsageE2e, QuotaAcrossEveryRouteAndUsageFromRealSyntheses) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ServerProcess server(data, {"--workers", "1"});
  ASSERT_TRUE(server.Start()) << server.output();
  const std::string key =
      KeyOnPlan(data, "tiny", {"--monthly-chars", "40"}, {"--project", "podcast"});
  ApiClient api(server.port(), key);

  // 12 characters through the job API, 11 streamed: both real syntheses.
  auto submitted = api.Submit({{"text", "Hello there."}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  json job = api.WaitForFinal(submitted->JsonBody()["job_id"]);
  ASSERT_EQ(job["status"], "done") << job.dump();
  auto streamed = api.Call("POST", "/v1/tts/stream",
                           json{{"text", "Second one."}, {"voice_id", "flite-slt"}}.dump(),
                           {{"Content-Type", "application/json"}});
  ASSERT_TRUE(streamed);
  ASSERT_EQ(streamed->status, 200) << streamed->body.substr(0, 300);
  const std::string stream_id(streamed->Header("X-Vox-Job-Id").value_or(""));
  json stream_job;
  for (int i = 0; i < 200 && !stream_job.contains("duration_s"); ++i) {
    auto r = api.Call("GET", "/v1/tts/job/" + stream_id);
    if (r && r->status == 200) stream_job = r->JsonBody();
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const double audio_s = job["duration_s"].get<double>() + stream_job.value("duration_s", 0.0);
  ASSERT_GT(audio_s, 1.0);

  // GET /v1/usage: what was said and heard this month, for the plan's limit.
  json usage;
  for (int i = 0; i < 100; ++i) {  // the stream's seconds are charged just after its row
    usage = Get(api, "/v1/usage");
    if (std::abs(usage.value("audio_seconds", 0.0) - audio_s) < 1e-6) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(usage["characters"], 23) << usage.dump();
  EXPECT_NEAR(usage["audio_seconds"].get<double>(), audio_s, 1e-6) << usage.dump();
  EXPECT_EQ(usage["limit"]["plan"], "tiny");
  EXPECT_EQ(usage["limit"]["monthly_characters"], 40);
  ASSERT_EQ(usage["by_project"].size(), 1u) << usage.dump();
  EXPECT_EQ(usage["by_project"][0]["project"], "podcast");
  EXPECT_EQ(usage["by_project"][0]["characters"], 23);
  EXPECT_TRUE(usage["period_start"].get<std::string>().ends_with("-01T00:00:00.000Z"));
  EXPECT_TRUE(usage["resets_at"].get<std::string>().ends_with("-01T00:00:00.000Z"));

  // ElevenLabs' subscription tells the same figures and the plan's limit.
  ApiClient xi(server.port(), "");
  auto sub = xi.Call("GET", "/v1/user/subscription", {}, {{"xi-api-key", key}});
  ASSERT_TRUE(sub);
  ASSERT_EQ(sub->status, 200) << sub->body;
  EXPECT_EQ(sub->JsonBody()["tier"], "tiny");
  EXPECT_EQ(sub->JsonBody()["character_count"], 23);
  EXPECT_EQ(sub->JsonBody()["character_limit"], 40);

  // 18 more characters would pass 40: refused on every route, in its own shape.
  const size_t jobs_before = Get(api, "/v1/tts/jobs?limit=100")["jobs"].size();
  const size_t blobs_before = FilesUnder(data / "blobs");
  const std::string too_long = "Eighteen letters!!";
  auto native = api.Submit({{"text", too_long}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(native);
  EXPECT_EQ(native->status, 429) << native->body;
  EXPECT_EQ(native->JsonBody()["error"]["code"], "quota_exceeded") << native->body;
  auto stream =
      api.Call("POST", "/v1/tts/stream", json{{"text", too_long}, {"voice_id", "flite-slt"}}.dump(),
               {{"Content-Type", "application/json"}});
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->status, 429);
  EXPECT_EQ(stream->JsonBody()["error"]["code"], "quota_exceeded") << stream->body;
  auto openai = api.Call("POST", "/v1/audio/speech",
                         json{{"model", "tts-1"}, {"voice", "alloy"}, {"input", too_long}}.dump(),
                         {{"Content-Type", "application/json"}});
  ASSERT_TRUE(openai);
  EXPECT_EQ(openai->status, 429);
  EXPECT_EQ(openai->JsonBody()["error"]["code"], "insufficient_quota") << openai->body;
  EXPECT_EQ(openai->JsonBody()["error"]["type"], "insufficient_quota");
  auto eleven = xi.Call("POST", "/v1/text-to-speech/flite-slt", json{{"text", too_long}}.dump(),
                        {{"Content-Type", "application/json"}, {"xi-api-key", key}});
  ASSERT_TRUE(eleven);
  EXPECT_EQ(eleven->status, 429);
  EXPECT_EQ(eleven->JsonBody()["detail"]["status"], "quota_exceeded") << eleven->body;
  // No job, no audio, no charge.
  EXPECT_EQ(Get(api, "/v1/tts/jobs?limit=100")["jobs"].size(), jobs_before);
  EXPECT_EQ(FilesUnder(data / "blobs"), blobs_before);
  EXPECT_EQ(Get(api, "/v1/usage")["characters"], 23);

  // What still fits is served: the quota counts characters, not requests.
  auto fits = api.Submit({{"text", "Seventeen letters"}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 202) << fits->body;
  EXPECT_EQ(Get(api, "/v1/usage")["characters"], 40);
  EXPECT_EQ(server.Terminate(), 0);
}

// The scale-out shape's API processes (no workers here, so jobs stay queued).
class SharedLimitsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = redis::testing::RedisTestServer::Start();
    if (!redis) GTEST_SKIP() << redis.error().message;
    redis_ = std::move(*redis);
    data_ = dir_.path() / "data";
    for (auto* api : {&a_, &b_}) {
      *api = std::make_unique<ServerProcess>(
          data_, std::vector<std::string>{"--rate-limit-url", redis_->Url()}, "api");
      ASSERT_TRUE((*api)->Start()) << (*api)->output();
    }
  }
  void TearDown() override {
    for (auto* api : {&a_, &b_}) {
      if (*api) EXPECT_EQ((*api)->Terminate(), 0);
    }
  }
  TempDir dir_;
  fs::path data_;
  std::unique_ptr<redis::testing::RedisTestServer> redis_;
  std::unique_ptr<ServerProcess> a_, b_;
};

TEST_F(SharedLimitsE2e, TwoApiProcessesShareThePlansRate) {
  // 0.5 submissions a second with a burst of one: one token for both processes.
  const std::string key = KeyOnPlan(data_, "slow", {"--rate", "0.5"});
  ApiClient on_a(a_->port(), key), on_b(b_->port(), key);
  int accepted = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = (i % 2 == 0 ? on_a : on_b).Submit({{"text", "Rate."}, {"voice_id", "flite-slt"}});
    ASSERT_TRUE(r);
    if (r->status == 202) ++accepted;
    if (r->status == 429) {
      ++limited;
      EXPECT_EQ(r->JsonBody()["error"]["code"], "rate_limited") << r->body;
      EXPECT_GE(std::stoi(std::string(r->Header("Retry-After").value_or("0"))), 1);
    }
  }
  EXPECT_EQ(accepted, 1);  // per-process buckets would have let one through on each
  EXPECT_EQ(limited, 5);
}

TEST_F(SharedLimitsE2e, ConcurrencyBoundsJobsInFlightAcrossProcesses) {
  const std::string key = KeyOnPlan(data_, "one", {"--concurrency", "1"});
  ApiClient on_a(a_->port(), key), on_b(b_->port(), key);
  auto first = on_a.Submit({{"text", "First."}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 202) << first->body;
  auto second = on_b.Submit({{"text", "Second."}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429) << second->body;
  EXPECT_EQ(second->JsonBody()["error"]["code"], "rate_limited");
  EXPECT_EQ(second->Header("Retry-After"), "1");
  // The first one ends (canceled here): room for the next.
  auto cancel =
      on_a.Call("DELETE", "/v1/tts/job/" + first->JsonBody()["job_id"].get<std::string>());
  ASSERT_TRUE(cancel);
  ASSERT_EQ(cancel->status, 200) << cancel->body;
  auto third = on_b.Submit({{"text", "Third."}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 202) << third->body;
}

// `n` submissions of `text` at once, alternating between the two processes: the
// status of each (0 when the request itself failed).
std::vector<int> Burst(uint16_t port_a, uint16_t port_b, const std::string& key,
                       const std::string& text, int n, std::vector<json>* refusals) {
  std::vector<int> statuses(static_cast<size_t>(n));
  std::vector<json> bodies(static_cast<size_t>(n));
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ApiClient api(i % 2 ? port_b : port_a, key);
      while (!go.load()) std::this_thread::yield();
      auto r = api.Submit({{"text", text}, {"voice_id", "flite-slt"}});
      statuses[static_cast<size_t>(i)] = r ? r->status : 0;
      if (r && r->status != 202) bodies[static_cast<size_t>(i)] = r->JsonBody();
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (auto& b : bodies) {
    if (!b.is_null()) refusals->push_back(std::move(b));
  }
  return statuses;
}

TEST_F(SharedLimitsE2e, ABurstStopsAtThePlansConcurrency) {
  const std::string key = KeyOnPlan(data_, "three", {"--concurrency", "3"});
  std::vector<json> refusals;
  auto statuses = Burst(a_->port(), b_->port(), key, "Burst.", 40, &refusals);
  EXPECT_EQ(std::ranges::count(statuses, 202), 3);  // checked apart from the insert: more
  EXPECT_EQ(std::ranges::count(statuses, 429), 37);
  for (const json& r : refusals) EXPECT_EQ(r["error"]["code"], "rate_limited") << r.dump();
  ApiClient api(a_->port(), key);
  EXPECT_EQ(Get(api, "/v1/tts/jobs?limit=100")["jobs"].size(), 3u);  // refused: no job
  EXPECT_EQ(Get(api, "/v1/usage")["characters"], 3 * 6);             // nor a charge
}

TEST_F(SharedLimitsE2e, ABurstStopsAtTheMonthsQuota) {
  // 10 characters each, 35 a month: 3 fit.
  const std::string key = KeyOnPlan(data_, "small", {"--monthly-chars", "35"});
  std::vector<json> refusals;
  auto statuses = Burst(a_->port(), b_->port(), key, "Burst ten.", 40, &refusals);
  EXPECT_EQ(std::ranges::count(statuses, 202), 3);
  EXPECT_EQ(std::ranges::count(statuses, 429), 37);
  for (const json& r : refusals) EXPECT_EQ(r["error"]["code"], "quota_exceeded") << r.dump();
  ApiClient api(a_->port(), key);
  EXPECT_EQ(Get(api, "/v1/usage")["characters"], 30);
  EXPECT_EQ(Get(api, "/v1/tts/jobs?limit=100")["jobs"].size(), 3u);
}

// A multipart voice upload: the form is checked at acceptance, the audio by a
// worker (none runs here, so an accepted voice stays processing, holding its slot).
Result<http::ClientResponse> UploadVoice(ApiClient& api, const std::string& name) {
  const std::string boundary = "usage-test-7d9f";
  std::string wav = "RIFF" + std::string(4, '\0') + "WAVE";  // the form is all that is read now
  // A one-time consent challenge (absent where cloning is off: the upload is then a 503).
  auto issued = api.Call("GET", "/v1/voice/consent-statement?name=Jane%20Doe");
  const std::string challenge_id =
      issued && issued->status == 200 ? issued->JsonBody().value("challenge_id", "") : "";
  std::string body;
  for (auto [field, value, file] : {std::tuple{"name", name, ""},
                                    {"speaker_name", std::string("Jane Doe"), ""},
                                    {"files", wav, "a.wav"},
                                    {"consent_audio", wav + name, "consent.wav"},
                                    {"challenge_id", challenge_id, ""}}) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"";
    if (*file) body += std::string("; filename=\"") + file + "\"";
    body += "\r\n\r\n" + value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return api.Call("POST", "/v1/voice/create", body,
                  {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
}

TEST_F(SharedLimitsE2e, VoiceSlotsBoundClonedVoicesKept) {
  const std::string key = KeyOnPlan(data_, "onevoice", {"--voice-slots", "1"});
  ApiClient on_a(a_->port(), key), on_b(b_->port(), key);
  auto first = UploadVoice(on_a, "first");
  ASSERT_TRUE(first);
  if (first->status == 503) GTEST_SKIP() << "no speech recognizer here: " << first->body;
  ASSERT_EQ(first->status, 202) << first->body;
  const size_t uploads = FilesUnder(data_ / "blobs");
  auto second = UploadVoice(on_b, "second");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429) << second->body;
  EXPECT_EQ(second->JsonBody()["error"]["code"], "quota_exceeded") << second->body;
  EXPECT_EQ(FilesUnder(data_ / "blobs"), uploads);  // nothing staged for the refused one
  auto voices = on_a.Call("GET", "/v1/voices");
  ASSERT_TRUE(voices);
  const json listed = voices->JsonBody();
  size_t clones = 0;
  for (const auto& v : listed["voices"]) clones += v.value("kind", "") == "clone";
  EXPECT_EQ(clones, 1u) << voices->body;
}

TEST(UsageCli, PlansAndUsersRefuseBadInputAndKeysStillWork) {
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  auto negative = RunVox({"plans", "set", "--data", data, "p", "--monthly-chars", "-5"});
  EXPECT_NE(negative.exit_code, 0) << negative.err;
  auto unknown = RunVox({"users", "create", "--data", data, "--name", "x", "--plan", "gold"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("gold"), std::string::npos) << unknown.err;
  auto no_user =
      RunVox({"keys", "create", "--data", data, "--user", "00000000-0000-4000-8000-00000000beef"});
  EXPECT_NE(no_user.exit_code, 0);
  EXPECT_NE(no_user.err.find("users create"), std::string::npos) << no_user.err;
  auto neither = RunVox({"keys", "create", "--data", data});
  EXPECT_NE(neither.exit_code, 0);
  // The old form still makes a user and its key.
  auto old = RunVox({"keys", "create", "--data", data, "--name", "legacy"});
  EXPECT_EQ(old.exit_code, 0) << old.err;
  EXPECT_TRUE(old.out.starts_with("vox_")) << old.out;
  Vox(data, {"plans", "set", "pro", "--monthly-chars", "1000", "--rate", "2.5"});
  Vox(data, {"plans", "set", "pro", "--monthly-chars", "2000"});  // an update
  auto list = RunVox({"plans", "list", "--data", data, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json plans = json::parse(list.out);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0]["monthly_chars"], 2000);
  EXPECT_EQ(plans[0]["rate"], 0);  // set replaces every limit
}

}  // namespace
}  // namespace vox::testing
