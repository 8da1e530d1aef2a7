// End-to-end tests of `vox serve` over loopback HTTP: the real binary, a
// temporary data directory, real synthesis. One server is shared by the
// tests that do not need their own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "audio/decode.h"
#include "common/crypto.h"
#include "support/api_client.h"
#include "support/vox_process.h"
#include "text/utf8.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class ServerApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->path() / "data", {"--workers", "2"});
    ASSERT_TRUE(server_->Start()) << server_->output();
    ASSERT_FALSE(server_->admin_key().empty()) << "no admin key printed: " << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  ApiClient Client() { return ApiClient(server_->port(), server_->admin_key()); }

  // Submits, waits for done, downloads the audio; returns {job, audio bytes}.
  std::pair<json, std::string> SynthesizeAndFetch(const json& body) {
    ApiClient api = Client();
    auto submitted = api.Submit(body);
    EXPECT_TRUE(submitted);
    if (!submitted) return {};
    EXPECT_EQ(submitted->status, 202) << submitted->body;
    std::string id = submitted->JsonBody().value("job_id", "");
    json job = api.WaitForFinal(id);
    EXPECT_EQ(job.value("status", ""), "done") << job.dump();
    ApiClient anonymous(server_->port(), "");  // the signed URL needs no key
    auto audio = anonymous.Call("GET", job.value("audio_url", ""));
    EXPECT_TRUE(audio && audio->status == 200);
    return {job, audio ? audio->body : std::string()};
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* ServerApi::dir_ = nullptr;
ServerProcess* ServerApi::server_ = nullptr;

TEST_F(ServerApi, HealthReadinessAndMetrics) {
  ApiClient api = Client();
  EXPECT_EQ(api.Call("GET", "/healthz")->status, 200);
  auto ready = api.Call("GET", "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_EQ(ready->JsonBody()["checks"]["database"], "ok");
  // Made-up methods on made-up paths (no key needed) must not become metric labels.
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(api.Call("M" + std::to_string(i) + "X", "/no/such/path/" + std::to_string(i)));
  }
  auto metrics = api.Call("GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("M7X"), std::string::npos);
  EXPECT_EQ(metrics->body.find("/no/such/path"), std::string::npos);
  EXPECT_NE(metrics->body.find("method=\"other\",route=\"unmatched\",status=\"404\""),
            std::string::npos);
  EXPECT_NE(metrics->body.find(
                "vox_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("vox_queue_depth"), std::string::npos);
  EXPECT_TRUE(metrics->Header("X-Request-Id").has_value());
}

TEST_F(ServerApi, EveryFormatRoundTrips) {
  for (std::string format : {"wav", "mp3", "opus", "flac", "pcm"}) {
    SCOPED_TRACE(format);
    auto [job, bytes] = SynthesizeAndFetch({{"text", "Testing the " + format + " format."},
                                            {"voice_id", "flite-slt"},
                                            {"format", format},
                                            {"sample_rate", 24000}});
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(job["audio_bytes"].get<size_t>(), bytes.size());
    double duration = job["duration_s"].get<double>();
    EXPECT_GT(duration, 0.5);
    EXPECT_LT(duration, 5.0);
    EXPECT_GT(job["timings_ms"].size(), 3u) << job.dump();
    if (format == "pcm") {
      EXPECT_NEAR(bytes.size() / 2.0 / 24000, duration, 0.1);  // 16-bit mono at 24 kHz
      continue;
    }
    auto decoded = audio::Decode(bytes);
    ASSERT_TRUE(decoded) << decoded.error().ToString();
    EXPECT_EQ(decoded->sample_rate, 24000);
    EXPECT_NEAR(decoded->duration_s(), duration, 0.1);
  }
}

TEST_F(ServerApi, AudioUrlSupportsRangesAndRejectsTampering) {
  auto [job, bytes] = SynthesizeAndFetch({{"text", "Range requests work."}, {"format", "wav"}});
  std::string url = job["audio_url"];
  ApiClient anonymous(server_->port(), "");
  auto partial = anonymous.Call("GET", url, {}, {{"Range", "bytes=0-99"}});
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->status, 206);
  EXPECT_EQ(partial->body, bytes.substr(0, 100));
  EXPECT_EQ(partial->Header("Content-Type").value_or(""), "audio/wav");
  std::string tampered = url;
  tampered[tampered.size() - 1] = tampered.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(anonymous.Call("GET", tampered)->status, 403);
  EXPECT_EQ(anonymous.Call("GET", url.substr(0, url.find('?')))->status, 403);
}

TEST_F(ServerApi, IdempotencyKeyReturnsTheSameJob) {
  ApiClient api = Client();
  json body = {{"text", "Idempotent request."}, {"format", "wav"}};
  auto first = api.Submit(body, {{"Idempotency-Key", "order-42"}});
  auto second = api.Submit(body, {{"Idempotency-Key", "order-42"}});
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 202);
  EXPECT_EQ(second->status, 202);
  EXPECT_EQ(first->JsonBody()["job_id"], second->JsonBody()["job_id"]);
  EXPECT_EQ(second->Header("Idempotent-Replayed").value_or(""), "true");
  body["text"] = "A different body.";
  auto conflict = api.Submit(body, {{"Idempotency-Key", "order-42"}});
  EXPECT_EQ(conflict->status, 409);
  EXPECT_EQ(conflict->JsonBody()["error"]["field"], "Idempotency-Key");
}

TEST_F(ServerApi, IdenticalRequestIsACacheHit) {
  json body = {{"text", "Cache me if you can."}, {"voice_id", "flite-rms"}, {"format", "flac"}};
  auto [first, first_audio] = SynthesizeAndFetch(body);
  EXPECT_FALSE(first["cache_hit"].get<bool>());
  ApiClient api = Client();
  auto again = api.Submit(body);
  ASSERT_TRUE(again);
  // Watermarks on (the default): a worker answers the hit from the cache's unmarked master
  // with audio marked for this job, so the bytes differ from the first job's.
  json job = api.WaitForFinal(again->JsonBody()["job_id"]);
  EXPECT_EQ(job["status"], "done");
  EXPECT_TRUE(job["cache_hit"].get<bool>());
  ApiClient anonymous(server_->port(), "");
  const std::string again_audio = anonymous.Call("GET", job["audio_url"].get<std::string>())->body;
  EXPECT_EQ(again_audio.substr(0, 4), "fLaC");
  EXPECT_NE(again_audio, first_audio);

  // Another user's identical request is not answered from this user's cache: a hit
  // would confirm to them that someone asked for exactly this text.
  auto other_key =
      RunVox({"keys", "create", "--data", (dir_->path() / "data").string(), "--name", "eve"}).out;
  ASSERT_FALSE(other_key.empty());
  ApiClient eve(server_->port(), other_key.substr(0, other_key.size() - 1));
  auto guessed = eve.Submit(body);
  ASSERT_TRUE(guessed);
  EXPECT_EQ(guessed->status, 202) << guessed->body;
  EXPECT_EQ(guessed->JsonBody()["status"], "queued");
  EXPECT_FALSE(guessed->JsonBody()["cache_hit"].get<bool>());
}

TEST_F(ServerApi, CancelStopsARunningJobAndRefusesAFinishedOne) {
  ApiClient api = Client();
  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "This is sentence number " + std::to_string(i) + ". ";
  auto submitted = api.Submit({{"text", long_text}, {"format", "wav"}});
  ASSERT_TRUE(submitted);
  std::string id = submitted->JsonBody()["job_id"];
  auto canceled = api.Call("DELETE", "/v1/tts/job/" + id);
  ASSERT_TRUE(canceled);
  EXPECT_EQ(canceled->status, 200) << canceled->body;
  EXPECT_EQ(canceled->JsonBody()["status"], "canceled");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(api.Call("GET", "/v1/tts/job/" + id)->JsonBody()["status"], "canceled");
  EXPECT_EQ(api.Call("DELETE", "/v1/tts/job/" + id)->status, 409);
}

// Routes with bodies refuse a bad key from the headers alone: a 49 MB upload that
// is never sent still gets its answer, so refused bodies cost the server nothing.
TEST_F(ServerApi, BodiesOfUnauthenticatedOrUnauthorisedRequestsAreNeverRead) {
  struct Case {
    std::string route, key;
    int status;
    size_t length = 49u << 20;  // announced, never sent
  };
  const std::string user_key =
      RunVox({"keys", "create", "--data", (dir_->path() / "data").string(), "--name", "bob"}).out;
  ASSERT_FALSE(user_key.empty());
  const std::vector<Case> cases = {
      {"/v1/voice/create", "", 401},
      {"/v1/tts/synthesize", "vox_wrong", 401, 10u << 20},  // within its body limit
      {"/v1/admin/protected-voices", user_key.substr(0, user_key.size() - 1), 403},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.route);
    auto raw = http::RawConnection::Connect("127.0.0.1", server_->port());
    ASSERT_TRUE(raw);
    std::string head = "POST " + c.route +
                       " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(c.length) +
                       "\r\nContent-Type: multipart/form-data; " + "boundary=b\r\n";
    if (!c.key.empty()) head += "Authorization: Bearer " + c.key + "\r\n";
    ASSERT_TRUE(raw->Send(head + "\r\n"));
    auto reply = raw->ReadResponse();
    ASSERT_TRUE(reply) << reply.error().ToString();
    EXPECT_EQ(reply->status, c.status) << reply->body;
    EXPECT_TRUE(raw->WaitForClose(std::chrono::seconds(5)));
  }
}

TEST_F(ServerApi, AuthenticationFailures) {
  ApiClient none(server_->port(), "");
  auto r = none.Call("GET", "/v1/voices");
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->JsonBody()["error"]["field"], "Authorization");
  ApiClient wrong(server_->port(), "vox_not_a_real_key");
  EXPECT_EQ(wrong.Call("GET", "/v1/voices")->status, 401);
  // A key created and revoked from the CLI, while the server runs.
  fs::path data = dir_->path() / "data";
  auto created = RunVox({"keys", "create", "--data", data.string(), "--name", "mallory"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string key = created.out.substr(0, created.out.find('\n'));
  auto revoked = RunVox({"keys", "revoke", "--data", data.string(), key.substr(0, 12)});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  ApiClient mallory(server_->port(), key);
  EXPECT_EQ(mallory.Call("GET", "/v1/voices")->status, 401);
}

TEST_F(ServerApi, UsersSeeOnlyTheirOwnJobs) {
  auto created =
      RunVox({"keys", "create", "--data", (dir_->path() / "data").string(), "--name", "bob"});
  ASSERT_EQ(created.exit_code, 0);
  ApiClient bob(server_->port(), created.out.substr(0, created.out.find('\n')));
  auto mine = Client().Submit({{"text", "Private."}});
  std::string id = mine->JsonBody()["job_id"];
  EXPECT_EQ(bob.Call("GET", "/v1/tts/job/" + id)->status, 404);
  EXPECT_EQ(bob.Call("DELETE", "/v1/tts/job/" + id)->status, 404);
}

// GET /v1/tts/jobs: the web playground's job list.
TEST_F(ServerApi, RecentJobsAreTheCallersOwnNewestFirst) {
  auto created =
      RunVox({"keys", "create", "--data", (dir_->path() / "data").string(), "--name", "carol"});
  ASSERT_EQ(created.exit_code, 0);
  ApiClient carol(server_->port(), created.out.substr(0, created.out.find('\n')));
  std::vector<std::string> ids;
  for (const char* text : {"First job.", "Second job.", "Troisième, café."}) {
    auto submitted = carol.Submit({{"text", text}});
    ASSERT_EQ(submitted->status, 202) << submitted->body;
    ids.push_back(submitted->JsonBody()["job_id"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // distinct created_at
  }
  carol.WaitForFinal(ids.back());

  auto listed = carol.Call("GET", "/v1/tts/jobs?limit=2");
  ASSERT_EQ(listed->status, 200) << listed->body;
  const json jobs = listed->JsonBody()["jobs"];
  ASSERT_EQ(jobs.size(), 2u) << jobs.dump();
  EXPECT_EQ(jobs[0]["job_id"], ids[2]);
  EXPECT_EQ(jobs[1]["job_id"], ids[1]);
  EXPECT_EQ(jobs[0]["status"], "done");
  EXPECT_EQ(jobs[0]["characters"], 16) << "code points, not bytes";
  EXPECT_TRUE(jobs[0]["timings_ms"].contains("inference")) << jobs[0].dump();
  EXPECT_TRUE(jobs[0].contains("audio_url"));
  auto all = carol.Call("GET", "/v1/tts/jobs");
  ASSERT_EQ(all->status, 200);
  EXPECT_EQ(all->JsonBody()["jobs"].size(), 3u);
  // Another user's list (the admin's here) never holds carol's jobs.
  auto admins = Client().Call("GET", "/v1/tts/jobs?limit=100");
  ASSERT_EQ(admins->status, 200);
  for (const json& j : admins->JsonBody()["jobs"]) {
    EXPECT_EQ(std::ranges::count(ids, j["job_id"].get<std::string>()), 0);
  }
  for (const char* bad : {"0", "101", "abc", "5x", ""}) {
    auto r = carol.Call("GET", std::string("/v1/tts/jobs?limit=") + bad);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->JsonBody()["error"]["field"], "limit") << bad;
  }
  EXPECT_EQ(ApiClient(server_->port(), "").Call("GET", "/v1/tts/jobs")->status, 401);
}

// The web playground is served at "/" by the real binary, beside the API.
TEST_F(ServerApi, PlaygroundIsServedAtTheRootWithItsPolicy) {
  ApiClient anonymous(server_->port(), "");
  auto page = anonymous.Call("GET", "/");
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(page->Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(page->Header("Content-Security-Policy").value_or("").find("media-src 'self' blob:"),
            std::string::npos);
  EXPECT_NE(page->body.find("/web/main.js"), std::string::npos);
  auto script = anonymous.Call("GET", "/web/main.js");
  ASSERT_EQ(script->status, 200);
  EXPECT_EQ(script->Header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_EQ(anonymous.Call("GET", "/healthz")->status, 200);
  EXPECT_EQ(anonymous.Call("GET", "/v1/voices")->status, 401);
}

struct BadRequest {
  std::string name;
  std::string content_type;
  std::string body;
  int status;
  std::string field;
};

TEST_F(ServerApi, BadRequestsGetClearJsonErrors) {
  const std::vector<BadRequest> cases = {
      {"not json", "application/json", "{\"text\":", 400, "body"},
      {"array", "application/json", "[1,2]", 400, "body"},
      {"missing text", "application/json", "{}", 400, "text"},
      {"empty text", "application/json", R"({"text":"   "})", 400, "text"},
      {"text wrong type", "application/json", R"({"text":5})", 400, "text"},
      {"speed wrong type", "application/json", R"({"text":"hi","speed":"fast"})", 400, "speed"},
      {"unknown field", "application/json", R"({"text":"hi","voice":"slt"})", 400, "voice"},
      {"invalid utf8", "application/json", "{\"text\":\"\xff\xfe\"}", 400, "body"},
      {"unknown voice", "application/json", R"({"text":"hi","voice_id":"nope"})", 422, "voice_id"},
      {"unknown format", "application/json", R"({"text":"hi","format":"aiff"})", 422, "format"},
      {"bad sample rate", "application/json", R"({"text":"hi","sample_rate":7})", 422,
       "sample_rate"},
      {"speed out of range", "application/json", R"({"text":"hi","speed":10})", 422, "speed"},
      {"unsupported language", "application/json", R"({"text":"hi","language":"tlh"})", 422,
       "language"},
      {"private webhook", "application/json",
       R"({"text":"hi","webhook_url":"http://127.0.0.1:9/x"})", 422, "webhook_url"},
      {"form body", "application/x-www-form-urlencoded", "text=hi", 415, "Content-Type"},
  };
  ApiClient api = Client();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = api.Call("POST", "/v1/tts/synthesize", c.body, {{"Content-Type", c.content_type}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << r->body;
    json error = r->JsonBody()["error"];
    EXPECT_EQ(error.value("field", ""), c.field) << r->body;
    EXPECT_FALSE(error.value("message", "").empty());
    EXPECT_TRUE(r->Header("X-Request-Id").has_value());
  }
  EXPECT_EQ(api.Call("GET", "/v1/nothing-here")->status, 404);
  EXPECT_EQ(api.Call("GET", "/v1/tts/job/00000000-0000-4000-8000-000000000000")->status, 404);
  auto not_allowed = api.Call("PUT", "/v1/tts/synthesize");
  EXPECT_EQ(not_allowed->status, 405);
  EXPECT_TRUE(not_allowed->Header("Allow").has_value());
  // The body limit follows VOX_MAX_TEXT_CHARS (default 1M): 12 bytes a character + 64 KiB.
  std::string huge(12 * 1'000'000 + 64 * 1024 + 1, 'a');
  auto too_big =
      api.Call("POST", "/v1/tts/synthesize", huge, {{"Content-Type", "application/json"}});
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
}

// VOX_MAX_TEXT_CHARS is honoured at any value: above 1,000,000 too, with the
// request-body limit derived from it (a text of 4-byte characters escaped as
// JSON \uXXXX\uXXXX pairs still fits).
TEST(ServerTextLimit, IsHonouredAboveOneMillionCharacters) {
  TempDir dir;
  // Hours of speech: the audio cap (VOX_MAX_AUDIO_SECONDS) is off, only the text limit judges.
  ServerProcess server(dir.path() / "data", {"--workers", "1", "--max-text-chars", "2000000",
                                             "--max-audio-seconds", "0"});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());

  std::string text;
  text.reserve(1'300'000 * 6);
  for (int i = 0; i < 1'300'000 / 6; ++i) text += "Hello ";
  while (text::CountCodePoints(text) < 1'300'000) text += 'a';
  auto accepted = api.Submit({{"text", text}, {"voice_id", "flite-slt"}});
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body.substr(0, 300);
  // Hours of audio: accepted is the point, not spoken.
  api.Call("DELETE", "/v1/tts/job/" + accepted->JsonBody().value("job_id", ""));

  // Nearly 2,000,000 characters outside the BMP, each escaped as 12 bytes of JSON: 24 MB.
  std::string escaped = "{\"text\":\"Hello world. ";
  for (int i = 0; i < 1'999'000; ++i) escaped += "\\ud83d\\ude00";
  escaped += "\"}";
  auto astral =
      api.Call("POST", "/v1/tts/synthesize", escaped, {{"Content-Type", "application/json"}});
  ASSERT_TRUE(astral);
  EXPECT_EQ(astral->status, 202) << astral->body.substr(0, 300);
  api.Call("DELETE", "/v1/tts/job/" + astral->JsonBody().value("job_id", ""));

  std::string over = text;
  while (text::CountCodePoints(over) <= 2'000'000) over += std::string(100'000, 'b');
  auto refused = api.Submit({{"text", over}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422) << refused->body.substr(0, 300);
  EXPECT_EQ(refused->JsonBody()["error"].value("field", ""), "text");
  EXPECT_EQ(server.Terminate(), 0);
}

TEST_F(ServerApi, MalformedHttpIsRefusedAndTheServerStaysUp) {
  auto raw = http::RawConnection::Connect("127.0.0.1", server_->port());
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Send("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"));
  auto reply = raw->ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(Client().Call("GET", "/healthz")->status, 200);
}

TEST_F(ServerApi, VoicesAndModelsAreListed) {
  ApiClient api = Client();
  auto voices = api.Call("GET", "/v1/voices");
  ASSERT_EQ(voices->status, 200);
  std::set<std::string> ids;
  const json listed = voices->JsonBody();
  for (const auto& v : listed["voices"]) ids.insert(v["id"].get<std::string>());
  for (const char* id :
       {"flite-slt", "flite-rms", "flite-awb", "flite-kal16", "espeak-de", "espeak-fr"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  auto german = api.Call("GET", "/v1/voices?language=de")->JsonBody()["voices"];
  ASSERT_FALSE(german.empty());
  for (const auto& v : german) EXPECT_EQ(v["language"].get<std::string>().substr(0, 2), "de");
  auto models = api.Call("GET", "/v1/models");
  ASSERT_EQ(models->status, 200);
  EXPECT_GE(models->JsonBody()["models"].size(), ids.size());
}

}  // namespace
}  // namespace vox::testing
