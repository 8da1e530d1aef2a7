// `vox serve` across crashes, drains, webhooks and rate limits: each test runs
// its own server process on loopback with a temporary data directory.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <tuple>

#include "audio/decode.h"
#include "common/crypto.h"
#include "http/response.h"
#include "http/server.h"
#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Paragraph(int sentences, const std::string& tag) {
  std::string text;
  for (int i = 0; i < sentences; ++i)
    text += "Job " + tag + " says sentence " + std::to_string(i) + ". ";
  return text;
}

// The acid test of durability: SIGKILL with jobs queued and running, restart,
// and every accepted job ends done exactly once, with valid audio.
TEST(ServerLifecycle, KillDuringJobsLosesNothingAndDuplicatesNothing) {
  TempDir dir;
  fs::path data = dir.path() / "data";
  ServerProcess first(data, {"--workers", "1"});
  ASSERT_TRUE(first.Start()) << first.output();
  const std::string key = first.admin_key();
  std::vector<std::string> ids;
  {
    ApiClient api(first.port(), key);
    for (int i = 0; i < 12; ++i) {
      auto r = api.Submit({{"text", Paragraph(6, std::to_string(i))}, {"format", "wav"}});
      ASSERT_TRUE(r && r->status == 202);
      ids.push_back(r->JsonBody()["job_id"]);
    }
    // Wait until one job is mid-flight, so the kill interrupts running work.
    for (int i = 0; i < 200; ++i) {
      auto s = api.Call("GET", "/v1/tts/job/" + ids.front())->JsonBody()["status"];
      if (s != "queued") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  first.Kill();
  // What a job killed mid-write leaves behind (the kill above may or may not have).
  fs::create_directories(data / "tmp");
  std::ofstream(data / "tmp" / "vox-killed-job-abc123.wav") << "partial audio";

  ServerProcess second(data, {"--workers", "2"});
  ASSERT_TRUE(second.Start()) << second.output();
  ApiClient api(second.port(), key);
  std::set<std::string> audio_urls;
  for (const auto& id : ids) {
    json job = api.WaitForFinal(id);
    ASSERT_EQ(job["status"], "done") << job.dump();
    auto audio = ApiClient(second.port(), "").Call("GET", job["audio_url"].get<std::string>());
    ASSERT_TRUE(audio && audio->status == 200);
    auto decoded = audio::Decode(audio->body);
    ASSERT_TRUE(decoded) << id;
    EXPECT_GT(decoded->duration_s(), 3.0);
    audio_urls.insert(job["audio_url"].get<std::string>().substr(0, 50));
  }
  EXPECT_EQ(audio_urls.size(), ids.size());
  // Exactly one audio file per job: reruns overwrite, never add.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(data / "blobs" / "audio")) {
    files += e.path().extension() == ".wav";
    // Audio and everything else in the data directory is the owner's alone.
    EXPECT_EQ(fs::status(e.path()).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << e.path();
  }
  EXPECT_EQ(files, ids.size());
  EXPECT_EQ(fs::status(data).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(data / "vox.db").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(second.Terminate(), 0);
  // The dead job's temp file was swept at start; finished jobs leave none.
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(data / "tmp")) left.push_back(e.path().string());
  EXPECT_TRUE(left.empty()) << left.front();
}

// VOX_LOG_FORMAT=json: every line one JSON object; one access line per request
// with the route template, status, the client's request id and the key's id,
// never the key; a job's lines name the job.
TEST(ServerLifecycle, JsonLogsCarryRequestAndJobIds) {
  TempDir dir;
  const fs::path log = dir.path() / "vox.log";
  ServerProcess server(dir.path() / "data",
                       {"--workers", "1", "--log-level", "info", "--log-format", "json"});
  server.set_stderr_file(log);
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());
  auto submitted = api.Call("POST", "/v1/tts/synthesize", R"({"text":"Log me."})",
                            {{"Content-Type", "application/json"}, {"X-Request-Id", "trace-me-1"}});
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  EXPECT_EQ(submitted->Header("X-Request-Id"), "trace-me-1");
  const std::string job_id = submitted->JsonBody()["job_id"];
  EXPECT_EQ(api.WaitForFinal(job_id)["status"], "done");
  EXPECT_EQ(server.Terminate(), 0);

  std::ifstream in(log);
  bool access_line = false, job_line = false;
  std::string all;
  for (std::string line; std::getline(in, line);) {
    all += line + "\n";
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ASSERT_TRUE(j.contains("time") && j.contains("level") && j.contains("message")) << line;
    if (j["message"] == "request" && j.value("request_id", "") == "trace-me-1") {
      access_line = true;
      EXPECT_EQ(j["method"], "POST");
      EXPECT_EQ(j["route"], "/v1/tts/synthesize");
      EXPECT_EQ(j["status"], 202);
      EXPECT_TRUE(j.contains("duration_ms"));
      EXPECT_FALSE(j.value("key_id", "").empty()) << line;
    }
    if (j.value("job_id", "") == job_id) job_line = true;
  }
  EXPECT_TRUE(access_line) << all;
  EXPECT_TRUE(job_line) << all;
  EXPECT_EQ(all.find(server.admin_key()), std::string::npos) << "a key reached the logs";
}

TEST(ServerLifecycle, SigtermDrainsAndExitsZero) {
  TempDir dir;
  fs::path data = dir.path() / "data";
  ServerProcess server(data, {"--workers", "1", "--drain-grace", "1"});
  ASSERT_TRUE(server.Start());
  const std::string key = server.admin_key();
  std::vector<std::string> ids;
  {
    ApiClient api(server.port(), key);
    for (int i = 0; i < 4; ++i) {
      ids.push_back(api.Submit({{"text", Paragraph(20, std::to_string(i))}})->JsonBody()["job_id"]);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server.Terminate(std::chrono::seconds(30)), 0);
  // Whatever did not finish within the grace period was requeued, and a
  // restarted server completes it.
  ServerProcess again(data, {"--workers", "2"});
  ASSERT_TRUE(again.Start());
  ApiClient api(again.port(), key);
  for (const auto& id : ids) EXPECT_EQ(api.WaitForFinal(id)["status"], "done") << id;
  EXPECT_EQ(again.Terminate(), 0);
}

// A stop signal may land in any thread, including those a library started
// before main() (OpenBLAS's pool) that never blocked it: the server must still
// drain and exit 0 rather than die of the default action (exit 143).
TEST(ServerLifecycle, SigtermToAnyThreadDrainsAndExitsZero) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--workers", "1"});
  ASSERT_TRUE(server.Start()) << server.output();
  const fs::path tasks = fs::path("/proc") / std::to_string(server.pid()) / "task";
  int sent = 0;
  for (const auto& task : fs::directory_iterator(tasks)) {
    const pid_t tid = std::stoi(task.path().filename().string());
    if (::syscall(SYS_tgkill, server.pid(), tid, SIGTERM) == 0) ++sent;
  }
  ASSERT_GT(sent, 1);
  EXPECT_EQ(server.Terminate(std::chrono::seconds(30)), 0);
}

// A local webhook receiver: records each POST /hook's signature and body.
class HookReceiver {
 public:
  HookReceiver() {
    http::Router router;
    EXPECT_TRUE(router.Add("POST", "/hook", [this](http::Request& r, http::Responder respond) {
      std::lock_guard lock(mutex_);
      received_.emplace_back(std::string(r.Header("X-Vox-Signature").value_or("")), r.body);
      respond(http::Json(200, {{"ok", true}}));
    }));
    http::HttpServerConfig config;
    config.listen = "127.0.0.1:0";
    server_ = std::make_unique<http::HttpServer>(config, std::move(router));
    EXPECT_TRUE(server_->Start());
  }
  ~HookReceiver() { server_->Stop(std::chrono::milliseconds(100)); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }

  // Waits up to 5 s for the `n`th webhook; returns its (signature, body).
  std::optional<std::pair<std::string, std::string>> Await(size_t n) {
    for (int i = 0; i < 100; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (received_.size() >= n) return received_[n - 1];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
  size_t count() {
    std::lock_guard lock(mutex_);
    return received_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> received_;  // signature, body
  std::unique_ptr<http::HttpServer> server_;
};

const char kWebhookSecret[] = "test-signing-secret-0123456789abcdef";

// A `vox serve` that signs webhooks with kWebhookSecret and may call loopback.
struct WebhookServer {
  TempDir dir;
  ServerProcess process{dir.path() / "data",
                        {"--webhook-allow-private", "--signing-secret", kWebhookSecret}};
};

// Submits `request`, waits for the job to be done and for the receiver's
// `nth` webhook, checks it is the job's signed job.done and returns it.
json DoneWebhook(ApiClient& api, HookReceiver& receiver, const json& request, size_t nth) {
  auto r = api.Submit(request);
  EXPECT_EQ(r->status, 202) << r->body;
  std::string id = r->JsonBody()["job_id"];
  EXPECT_EQ(api.WaitForFinal(id)["status"], "done");
  auto hook = receiver.Await(nth);
  if (!hook) {
    ADD_FAILURE() << "webhook " << nth << " (job " << id << ") never arrived";
    return json::object();
  }
  const auto& [signature, body] = *hook;
  // t=<unix>,v1=<hex hmac of "<t>.<body>">
  std::string t = signature.substr(2, signature.find(',') - 2);
  EXPECT_EQ(signature, "t=" + t + ",v1=" + HmacSha256Hex(kWebhookSecret, t + "." + body));
  json payload = json::parse(body);
  EXPECT_EQ(payload["event"], "job.done");
  EXPECT_EQ(payload["job_id"], id);
  EXPECT_TRUE(payload.contains("audio_url"));
  return payload;
}

// `vox worker --metrics-listen`: the worker's own job metrics for Prometheus
// (the API processes count submissions, the workers what they finish).
TEST(ServerLifecycle, AWorkerServesItsMetricsWhenAsked) {
  TempDir dir;
  fs::path data = dir.path() / "data";
  ServerProcess api(data, {}, "api");
  ASSERT_TRUE(api.Start()) << api.output();
  ServerProcess worker(data, {"--metrics-listen", "127.0.0.1:0"}, "worker");
  ASSERT_TRUE(worker.Start()) << worker.output();
  std::smatch m;
  static const std::regex kMetrics(R"(metrics listening on http://127\.0\.0\.1:(\d+))");
  ASSERT_TRUE(std::regex_search(worker.output(), m, kMetrics)) << worker.output();
  http::HttpClient scrape("127.0.0.1", static_cast<uint16_t>(std::stoi(m[1])),
                          std::chrono::seconds(10));

  ApiClient client(api.port(), api.admin_key());
  auto submitted = client.Submit({{"text", "Counted by the worker that made it."}});
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  EXPECT_EQ(client.WaitForFinal(submitted->JsonBody()["job_id"])["status"], "done");
  auto metrics = scrape.Request("GET", "/metrics", "", {});
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("vox_jobs_finished_total{status=\"done\"} 1"), std::string::npos)
      << metrics->body;
  EXPECT_EQ(scrape.Request("GET", "/healthz", "", {})->status, 200);
  EXPECT_EQ(scrape.Request("GET", "/v1/voices", "", {})->status, 404) << "metrics only";
  EXPECT_EQ(worker.Terminate(), 0);
  EXPECT_EQ(api.Terminate(), 0);
}

TEST(ServerLifecycle, WebhookIsDeliveredSignedOnCompletion) {
  HookReceiver receiver;
  WebhookServer server;
  ASSERT_TRUE(server.process.Start());
  ApiClient api(server.process.port(), server.process.admin_key());
  json payload =
      DoneWebhook(api, receiver, {{"text", "Call me back."}, {"webhook_url", receiver.url()}}, 1);
  EXPECT_EQ(payload["cache_hit"], false);
  EXPECT_EQ(receiver.count(), 1u);
}

// A job answered from the cache ends inside the API request: the API process
// sends its webhook, as a worker does for the jobs it runs.
TEST(ServerLifecycle, CacheHitCallsItsWebhookToo) {
  HookReceiver receiver;
  WebhookServer server;
  ASSERT_TRUE(server.process.Start());
  ApiClient api(server.process.port(), server.process.admin_key());
  const json request = {{"text", "Say it twice."}, {"webhook_url", receiver.url()}};
  json first = DoneWebhook(api, receiver, request, 1);
  json second = DoneWebhook(api, receiver, request, 2);
  EXPECT_EQ(first["cache_hit"], false);
  EXPECT_EQ(second["cache_hit"], true);
  EXPECT_NE(second["job_id"], first["job_id"]);
  EXPECT_EQ(server.process.Terminate(), 0);
  EXPECT_EQ(receiver.count(), 2u);
}

TEST(ServerLifecycle, InvalidWebhookSettingsAreRefusedAtStart) {
  TempDir dir;
  for (const auto& [flag, value, setting] :
       {std::tuple{"--webhook-threads", "0", "VOX_WEBHOOK_THREADS"},
        std::tuple{"--webhook-per-host", "9", "VOX_WEBHOOK_PER_HOST"},
        std::tuple{"--webhook-timeout-ms", "5", "VOX_WEBHOOK_TIMEOUT_MS"}}) {
    auto r = RunVox({"serve", "--listen", "127.0.0.1:0", "--data", (dir.path() / "data").string(),
                     flag, value});
    EXPECT_NE(r.exit_code, 0) << flag;
    EXPECT_NE(r.err.find(setting), std::string::npos) << r.err;
  }
}

TEST(ServerLifecycle, SubmissionsOverTheRateLimitGet429) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--rate-limit", "1"});
  ASSERT_TRUE(server.Start());
  ApiClient api(server.port(), server.admin_key());
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = api.Submit({{"text", "Rate " + std::to_string(i)}});
    if (r->status == 429) {
      ++limited;
      EXPECT_TRUE(r->Header("Retry-After").has_value());
    }
  }
  EXPECT_GE(limited, 2);  // burst of 2, then about one a second
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(ServerLifecycle, ReadinessFailsWhenStorageIsUnusable) {
  TempDir dir;
  fs::path data = dir.path() / "data";
  ServerProcess server(data);
  ASSERT_TRUE(server.Start());
  ApiClient api(server.port(), server.admin_key());
  EXPECT_EQ(api.Call("GET", "/readyz")->status, 200);
  fs::remove_all(data / "blobs");
  { std::ofstream(data / "blobs") << "not a directory"; }
  auto ready = api.Call("GET", "/readyz");
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->JsonBody()["checks"]["storage"], "ok");
  EXPECT_TRUE(ready->Header("Retry-After").has_value());
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(ServerLifecycle, SlowClientIsCutOffWithoutBlockingOthers) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--header-timeout-ms", "500"});
  ASSERT_TRUE(server.Start());
  auto slow = http::RawConnection::Connect("127.0.0.1", server.port());
  ASSERT_TRUE(slow);
  ASSERT_TRUE(slow->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // never finishes
  ApiClient api(server.port(), server.admin_key());
  EXPECT_EQ(api.Call("GET", "/healthz")->status, 200);  // others are served meanwhile
  std::string received;
  EXPECT_TRUE(slow->WaitForClose(std::chrono::seconds(5), &received));
  EXPECT_NE(received.find("408"), std::string::npos) << received;
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(ServerLifecycle, SecondServerOnTheSameDataDirectoryIsRefused) {
  TempDir dir;
  ServerProcess first(dir.path() / "data");
  ASSERT_TRUE(first.Start());
  auto second =
      RunVox({"serve", "--listen", "127.0.0.1:0", "--data", (dir.path() / "data").string()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another vox process"), std::string::npos) << second.err;
  EXPECT_EQ(first.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
