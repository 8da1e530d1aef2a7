// The staging suite (`vox staging-test`) against a real `vox serve` on loopback: it passes
// with sane thresholds (every language spoke, English was understood, the burst ran with a
// failure hook mid-way), fails naming the metric when a threshold cannot be met, and refuses
// a configuration with a mistyped key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

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
