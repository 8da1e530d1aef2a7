// The staging suite (`vox staging-test`) against a real `vox serve` on loopback: it passes
// with sane thresholds (every language spoke, English was understood, the burst ran with a
// failure hook mid-way), fails naming the metric when a threshold cannot be met, judges a
// consent-verified clone's speaker similarity against its bound, and refuses a configuration
// with a mistyped key.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/api_client.h"
#include "support/clone_upload.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

class StagingE2E : public ::testing::Test {
 protected:
  // Only the tests that reach a server start one (loading the engines takes seconds).
  void StartServer() {
    fs::create_directories(dir_.path() / "data");
    ASSERT_TRUE(server_.Start());
    url_ = "http://127.0.0.1:" + std::to_string(server_.port());
  }

  // The shipped thresholds, made small enough for a test and edited by `edit`.
  json Config(const std::function<void(json&)>& edit) const {
    json c =
        json::parse(std::ifstream(std::string(VOX_SOURCE_DIR) + "/deploy/staging/thresholds.json"));
    c["latency"]["stream_samples"] = 3;
    c["latency"]["job_samples"] = 3;
    c["quality"]["voices"] = {"flite-slt"};
    c["load"]["jobs"] = 8;
    c["load"]["concurrency"] = 4;
    c["load"]["timeout_s"] = 60;
    edit(c);
    return c;
  }

  CommandResult RunSuite(const json& config) {
    std::ofstream(dir_.path() / "config.json") << config.dump(2);
    const std::string key = server_.admin_key().empty() ? "vox_none" : server_.admin_key();
    return RunVox({"staging-test", "--url", url_, "--key", key, "--config",
                   (dir_.path() / "config.json").string(), "--json-out",
                   (dir_.path() / "out/report.json").string(), "--markdown-out",
                   (dir_.path() / "out/report.md").string()});
  }

  // A server a test started through a shell script (its pid in serve.pid) goes with it.
  void TearDown() override {
    if (fs::exists(dir_.path() / "serve.pid")) {
      RunShell("kill -TERM $(cat '" + (dir_.path() / "serve.pid").string() + "') 2>/dev/null");
    }
  }

  json Report() const { return json::parse(std::ifstream(dir_.path() / "out/report.json")); }

  TempDir dir_;
  ServerProcess server_{dir_.path() / "data"};
  std::string url_ = "http://127.0.0.1:1";  // nothing listens there
};

TEST_F(StagingE2E, PassesWithSaneThresholds) {
  StartServer();
  const fs::path hook_out = dir_.path() / "hook-url";
  auto r = RunSuite(Config([&](json& c) {
    // A hook that leaves a trace: it ran, mid-burst, with the target in its environment.
    c["failure"]["kill_worker_cmd"] = "echo \"$STAGING_URL\" > '" + hook_out.string() + "'";
  }));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << Read(dir_.path() / "out/report.md");
  json report = Report();
  EXPECT_EQ(report["passed"], true);
  EXPECT_EQ(report["target"], url_);
  EXPECT_EQ(report["failures"].size(), 0u);

  std::set<std::string> languages, names;
  for (const json& m : report["metrics"]) {
    names.insert(m["name"].get<std::string>());
    if (m["name"] == "functional.min_rms") languages.insert(m["subject"].get<std::string>());
    if (m["name"] == "functional.asr_wer") {
      EXPECT_LE(m["value"].get<double>(), 0.5) << m.dump();  // flite speaks English clearly
    }
  }
  // The server's built-in voices speak English and eSpeak NG's other languages.
  for (const char* l : {"en-us", "en-gb", "de", "fr-fr", "ja", "zh"}) {
    EXPECT_TRUE(languages.contains(l)) << l;
  }
  EXPECT_GE(languages.size(), 10u);
  for (const char* n :
       {"functional.duration_s", "functional.asr_wer", "quality.wer", "latency.max_ttfa_p50_ms",
        "latency.max_ttfa_p95_ms", "latency.max_job_p50_ms", "latency.max_job_p95_ms",
        "load.accepted", "load.distinct_job_ids", "load.final", "failure.max_failed",
        "failure.max_attempts", "load.listed_once", "failure.hook"}) {
    EXPECT_TRUE(names.contains(n)) << n;
  }
  EXPECT_EQ(Read(hook_out), url_ + "\n");
  const std::string md = Read(dir_.path() / "out/report.md");
  EXPECT_NE(md.find("# Vox staging report: PASS"), std::string::npos) << md;
  EXPECT_NE(md.find("| ok | quality.wer | flite-slt |"), std::string::npos) << md;
  EXPECT_NE(r.out.find("PASS"), std::string::npos);
}

TEST_F(StagingE2E, FailsNamingAThresholdNothingCanMeet) {
  StartServer();
  auto r = RunSuite(Config([](json& c) {
    c["checks"] = {"latency", "load"};
    c["latency"]["max_ttfa_p95_ms"] = 0;  // no audio arrives in no time
    c["load"]["jobs"] = 3;
    c["failure"]["kill_worker_cmd"] = "exit 3";  // a hook that fails
  }));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("FAIL latency: latency.max_ttfa_p95_ms = "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("FAIL failure: failure.hook [kill_worker_cmd] = 3: exit 3"),
            std::string::npos)
      << r.err;
  json report = Report();
  EXPECT_EQ(report["passed"], false);
  ASSERT_EQ(report["failures"].size(), 2u) << report.dump(2);  // everything else held
  EXPECT_TRUE(report["failures"][0].get<std::string>().starts_with("latency.max_ttfa_p95_ms"));
  EXPECT_TRUE(report["failures"][1].get<std::string>().starts_with("failure.hook"));
  const std::string md = Read(dir_.path() / "out/report.md");
  EXPECT_NE(md.find("# Vox staging report: FAIL"), std::string::npos) << md;
  EXPECT_NE(md.find("| **FAIL** | latency.max_ttfa_p95_ms"), std::string::npos) << md;
}

// A failure hook that restarts the service mid-burst (SIGTERM: it drains, then a new
// process on the same port and data): every job still ends done, each once.
TEST_F(StagingE2E, EveryJobEndsDoneAcrossARestartMidBurst) {
  const fs::path data = dir_.path() / "data";
  fs::create_directories(data);
  // A free port for both processes: the restarted one must answer at the same URL.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  url_ = "http://127.0.0.1:" + std::to_string(port);
  const fs::path pid = dir_.path() / "serve.pid", start = dir_.path() / "start.sh";
  // The server outlives the hook that starts it: it must not hold the pipes this test
  // reads the suite's output from (RunVox waits for their end), so bash closes every
  // descriptor above 2 before exec.
  std::ofstream(start) << "bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; "
                       << "[ $n -gt 2 ] && eval \"exec $n>&-\"; done; exec \"$0\" \"$@\"' '"
                       << VoxBinary() << "' serve --data '" << data.string()
                       << "' --listen 127.0.0.1:" << port << " --log-level warn >> '"
                       << (dir_.path() / "serve.out").string() << "' 2>&1 < /dev/null &\n"
                       << "echo $! > '" << pid.string() << "'\n"
                       << "for i in $(seq 300); do curl -fs " << url_
                       << "/readyz >/dev/null && exit 0; sleep 0.1; done; exit 1\n";
  ASSERT_EQ(RunShell("sh '" + start.string() + "'").exit_code, 0);
  const std::string stop = "kill -TERM $(cat '" + pid.string() +
                           "'); for i in $(seq 600); do curl -fs " + url_ +
                           "/healthz >/dev/null || break; sleep 0.1; done";
  std::smatch key;
  const std::string out = Read(dir_.path() / "serve.out");
  ASSERT_TRUE(std::regex_search(out, key, std::regex("vox_[A-Za-z0-9]{40}"))) << out;

  std::ofstream(dir_.path() / "config.json")
      << Config([&](json& c) {
           c["checks"] = {"load"};
           c["load"]["jobs"] = 12;
           c["load"]["concurrency"] = 2;
           c["failure"]["restart_service_cmd"] = stop + " && sh '" + start.string() + "'";
         }).dump();
  auto r = RunVox({"staging-test", "--url", url_, "--key", key.str(), "--config",
                   (dir_.path() / "config.json").string(), "--json-out",
                   (dir_.path() / "out/report.json").string(), "--markdown-out",
                   (dir_.path() / "out/report.md").string()});
  RunShell(stop);  // the process this test started, by its pid
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << Read(dir_.path() / "out/report.md");
  std::map<std::string, double> value;
  const json report = Report();
  for (const json& m : report["metrics"]) {
    if (m["value"].is_number()) value[m["name"].get<std::string>()] = m["value"].get<double>();
  }
  EXPECT_EQ(value["failure.hook"], 0);  // exit status of the restart
  EXPECT_EQ(value["load.final"], 12);
  EXPECT_EQ(value["load.distinct_job_ids"], 12);
  EXPECT_EQ(value["failure.max_failed"], 0);
}

// A clone made through the API as a user makes one (a corpus speaker's recordings and their
// spoken consent, verified by the server's worker), then the quality check on it alone: the
// similarity of its speech to the speaker's recording (computed by the suite) is reported and
// passes a bound it meets; the server's own score on the job fails a bound nothing meets.
TEST_F(StagingE2E, JudgesACloneSimilarityAgainstItsBound) {
  StartServer();
  ApiClient admin(server_.port(), server_.admin_key());
  const std::string samples =
      Encode(Speak("flite-slt-f0x1.2", voice::testing::EvaluationSentences()));
  const ConsentReading consent =
      ReadConsent(admin, "flite-slt-f0x1.2", "Jane Doe", audio::Format::kFlac);
  auto created = Upload(admin, "/v1/voice/create",
                        {{"name", "staging clone"},
                         {"speaker_name", "Jane Doe"},
                         {"challenge_id", consent.challenge_id},
                         {"files", samples, "jane.wav"},
                         {"consent_audio", consent.audio, "consent.flac"}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 202) << created->body;
  const std::string clone = created->JsonBody()["voice_id"];
  const json voice = admin.WaitForVoice(clone);
  ASSERT_EQ(voice["status"], "ready") << voice.dump() << "\nconsent read: " << consent.statement;
  std::ofstream(dir_.path() / "reference.wav", std::ios::binary) << samples;

  // No word error rates: every built-in voice's engine is skipped, so only the clone speaks.
  json engines = json::array();
  const json listed = admin.Call("GET", "/v1/voices")->JsonBody();
  for (const json& v : listed["voices"]) {
    if (v["kind"] == "builtin") engines.push_back(v["engine"]);
  }
  auto quality_only = [&](double bound, const std::string& reference) {
    return Config([&](json& c) {
      c["checks"] = {"quality"};
      c["quality"]["voices"] = json::array();
      c["quality"]["skip_engines"] = engines;
      c["quality"]["clone_voice_id"] = clone;
      c["quality"]["clone_reference_audio"] = reference;
      c["quality"]["min_clone_similarity"] = bound;
    });
  };
  auto similarity_row = [&] {
    json row;
    const json report = Report();  // a range-for would not keep a temporary alive
    for (const json& m : report["metrics"]) {
      EXPECT_NE(m["name"], "quality.wer") << "no voice was to be judged by WER";
      if (m["name"] == "quality.min_clone_similarity") row = m;
    }
    return row;
  };

  auto r = RunSuite(quality_only(0.5, (dir_.path() / "reference.wav").string()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << Read(dir_.path() / "out/report.md");
  json row = similarity_row();
  ASSERT_TRUE(row["value"].is_number()) << Read(dir_.path() / "out/report.md");
  EXPECT_EQ(row["subject"], clone);
  EXPECT_EQ(row["passed"], true);
  EXPECT_GE(row["value"].get<double>(), 0.5);
  EXPECT_LE(row["value"].get<double>(), 1.0);
  EXPECT_NE(row.dump().find("against the reference recording"), std::string::npos) << row.dump();

  r = RunSuite(quality_only(0.999, ""));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("FAIL quality: quality.min_clone_similarity"), std::string::npos) << r.err;
  row = similarity_row();
  ASSERT_TRUE(row["value"].is_number()) << Read(dir_.path() / "out/report.md");
  EXPECT_EQ(row["passed"], false);
  EXPECT_GT(row["value"].get<double>(), 0.5);  // the server's score: a good clone, not 0.999
  EXPECT_LT(row["value"].get<double>(), 0.999);
  EXPECT_NE(row.dump().find("the server's score"), std::string::npos) << row.dump();
  const json report = Report();
  ASSERT_EQ(report["failures"].size(), 1u) << report.dump(2);
  EXPECT_TRUE(report["failures"][0].get<std::string>().starts_with("quality.min_clone_similarity"));
}

TEST_F(StagingE2E, AnUnreachableServerFailsTheRun) {
  auto r = RunSuite(Config([](json& c) { c["request_timeout_s"] = 5; }));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("functional.ready"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("functional.voices"), std::string::npos) << r.err;
}

TEST_F(StagingE2E, RefusesAMistypedThresholdNamingIt) {
  auto r = RunSuite(Config([](json& c) { c["latency"]["max_ttfa_p59_ms"] = 100; }));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("latency.max_ttfa_p59_ms unknown key"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "out/report.json"));  // nothing ran
}

}  // namespace
}  // namespace vox::testing
