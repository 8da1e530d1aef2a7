// End-to-end fairness between tenants on a real `vox serve` with one worker:
// user A queues 30 long jobs, then user B one short job, and B's job is done
// after at most a couple of A's (claims rotate across users); the per-user cap
// on queued jobs and the cap on a request's speech (a 999,999-digit text)
// refuse at submit in each route's own error shape and store nothing; and a
// tiny VOX_AUDIO_RETENTION expires B's audio: the job stays, its audio is 410.
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A key of a new user named `name` (`vox users create`, then `vox keys create --user`).
std::string NewUserKey(const fs::path& data, const std::string& name) {
  CommandResult user = RunVox({"users", "create", "--data", data.string(), "--name", name});
  EXPECT_EQ(user.exit_code, 0) << user.err;
  const std::string id = user.out.substr(0, user.out.find('\n'));
  EXPECT_EQ(id.size(), 36u) << user.out;
  CommandResult key = RunVox({"keys", "create", "--data", data.string(), "--user", id});
  EXPECT_EQ(key.exit_code, 0) << key.err;
  return key.out.substr(0, key.out.find('\n'));
}

// The caller's jobs by status.
std::map<std::string, int> StatusCounts(ApiClient& api) {
  std::map<std::string, int> counts;
  auto r = api.Call("GET", "/v1/tts/jobs?limit=100");
  EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().ToString());
  if (!r) return counts;
  const json body = r->JsonBody();
  for (const json& job : body["jobs"]) ++counts[job.value("status", "")];
  return counts;
}

int JobCount(ApiClient& api) {
  int n = 0;
  for (const auto& [status, count] : StatusCounts(api)) n += count;
  return n;
}

TEST(FairnessE2e, OneUsersBacklogDoesNotHoldBackAnotherUsersJob) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ServerProcess server(
      data, {"--workers", "1", "--max-queued-jobs-per-user", "30", "--max-audio-seconds", "60",
             "--audio-retention", "3s", "--audio-sweep-interval-ms", "200"});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient a(server.port(), NewUserKey(data, "tenant-a"));
  ApiClient b(server.port(), NewUserKey(data, "tenant-b"));

  // A: 30 long jobs (~15 s of speech each, well inside 60 s), queued at once.
  std::string long_text;
  for (int i = 0; i < 8; ++i)
    long_text += "This long sentence keeps the only worker busy for a while. ";
  // Submitted until VOX_MAX_QUEUED_JOBS_PER_USER refuses one (the worker may
  // finish one of them meanwhile, making room for one more).
  int accepted = 0;
  std::optional<http::ClientResponse> refused;
  while (!refused && accepted < 40) {
    // Distinct texts: identical ones would be answered from the audio cache.
    auto r = a.Submit({{"text", long_text + " Job " + std::to_string(accepted) + "."},
                       {"voice_id", "flite-slt"}});
    ASSERT_TRUE(r);
    if (r->status == 202) {
      ++accepted;
    } else {
      refused = *r;
    }
  }
  ASSERT_TRUE(refused) << "never refused";
  EXPECT_GE(accepted, 30);
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_EQ(refused->JsonBody()["error"]["code"], "too_many_queued_jobs") << refused->body;
  EXPECT_NE(refused->body.find("VOX_MAX_QUEUED_JOBS_PER_USER"), std::string::npos);
  EXPECT_EQ(refused->Header("Retry-After").value_or(""), "5");
  EXPECT_EQ(JobCount(a), accepted);  // the refused one left no row

  // B: one short job, behind A's whole backlog in arrival order.
  const int a_done_before = StatusCounts(a)["done"];
  auto submitted = b.Submit({{"text", "Just one short sentence."}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string b_id = submitted->JsonBody()["job_id"];
  json b_job = b.WaitForFinal(b_id);
  ASSERT_EQ(b_job["status"], "done") << b_job.dump();
  // First in, first out would have run all 30 of A's first; round robin runs
  // at most the job in progress and one more.
  std::map<std::string, int> a_now = StatusCounts(a);
  EXPECT_LE(a_now["done"], a_done_before + 2) << "A done before " << a_done_before;
  EXPECT_GE(a_now["queued"], 20);

  // A 999,999-digit text: refused at submit on every route, nothing stored.
  const std::string digits(999'999, '9');
  auto native = b.Submit({{"text", digits}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(native);
  EXPECT_EQ(native->status, 413) << native->body.substr(0, 300);
  EXPECT_EQ(native->JsonBody()["error"]["code"], "audio_too_long");
  EXPECT_NE(native->body.find("VOX_MAX_AUDIO_SECONDS"), std::string::npos);
  // OpenAI takes at most 4096 characters; 4000 digits still speak far over 60 s.
  auto openai =
      b.Call("POST", "/v1/audio/speech",
             json{{"model", "tts-1"}, {"voice", "alloy"}, {"input", std::string(4000, '9')}}.dump(),
             {{"Content-Type", "application/json"}});
  ASSERT_TRUE(openai);
  EXPECT_EQ(openai->status, 400) << openai->body.substr(0, 300);
  EXPECT_EQ(openai->JsonBody()["error"]["type"], "invalid_request_error") << openai->body;
  EXPECT_EQ(openai->JsonBody()["error"]["param"], "input") << openai->body;
  EXPECT_NE(openai->body.find("VOX_MAX_AUDIO_SECONDS"), std::string::npos);
  // ElevenLabs takes at most 10,000 characters; 4000 digits again.
  ApiClient xi(server.port(), "");
  auto eleven =
      xi.Call("POST", "/v1/text-to-speech/flite-slt", json{{"text", std::string(4000, '9')}}.dump(),
              {{"xi-api-key", server.admin_key()}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(eleven);
  EXPECT_EQ(eleven->status, 422) << eleven->body.substr(0, 300);
  ASSERT_TRUE(eleven->JsonBody()["detail"].is_array()) << eleven->body.substr(0, 300);
  EXPECT_NE(eleven->body.find("VOX_MAX_AUDIO_SECONDS"), std::string::npos);
  EXPECT_EQ(JobCount(b), 1);

  // Retention: B's audio is served now, and gone (410) once 3 s have passed.
  ApiClient anonymous(server.port(), "");
  const std::string audio_url = b_job.value("audio_url", "");
  ASSERT_FALSE(audio_url.empty()) << b_job.dump();
  auto audio = anonymous.Call("GET", audio_url);
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->status, 200);
  json expired = json::object();
  for (int i = 0; i < 200 && !expired.value("audio_expired", false); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto r = b.Call("GET", "/v1/tts/job/" + b_id);
    if (r && r->status == 200) expired = r->JsonBody();
  }
  ASSERT_TRUE(expired.value("audio_expired", false)) << expired.dump();
  EXPECT_EQ(expired["status"], "done");
  EXPECT_FALSE(expired.contains("audio_url"));
  auto gone = anonymous.Call("GET", audio_url);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 410) << gone->body;
  EXPECT_EQ(gone->JsonBody()["error"]["code"], "audio_expired");
  // The sweeper marks the row first (clients get 410 from then on) and deletes
  // the blob just after, so the file may outlive the mark by a moment.
  const fs::path blob = data / "blobs" / "audio" / (b_id + ".wav");
  for (int i = 0; i < 100 && fs::exists(blob); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(fs::exists(blob));
}

}  // namespace
}  // namespace vox::testing
