#include "staging/staging_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "staging/checks.h"

namespace vox::staging {
namespace {

using nlohmann::json;

TEST(StagingConfig, EmptyObjectKeepsTheDefaults) {
  auto c = StagingConfig::FromJson(json::object());
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->load.jobs, 20);
  EXPECT_EQ(c->json_report, "build/staging/report.json");
  EXPECT_FALSE(c->failure.any());
  EXPECT_TRUE(c->Runs("functional") && c->Runs("quality") && c->Runs("latency") && c->Runs("load"));
}

TEST(StagingConfig, ReadsEverySection) {
  auto c = StagingConfig::FromJson(json::parse(R"({
    "functional": {"sentences": {"de": "Hallo."}, "min_rms": 0.01, "concurrency": 2},
    "latency": {"voice_id": "flite-slt", "stream_samples": 3, "max_ttfa_p95_ms": 750},
    "quality": {"voices": ["flite-slt"], "max_wer": 0.2, "max_wer_overrides": {"espeak-ng": 0.9},
                "clone_voice_id": "c1", "min_clone_similarity": 0.6},
    "load": {"jobs": 7, "concurrency": 3, "timeout_s": 30},
    "failure": {"kill_worker_cmd": "pkill -n vox", "max_attempts": 2, "max_failed": 1},
    "checks": ["latency"], "json_report": "out/r.json", "markdown_report": "out/r.md", "request_timeout_s": 20,
    "$comment": "ignored"})"));
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->functional.sentences.at("de"), "Hallo.");
  EXPECT_DOUBLE_EQ(c->functional.min_rms, 0.01);
  EXPECT_EQ(c->latency.stream_samples, 3);
  EXPECT_DOUBLE_EQ(c->latency.max_ttfa_p95_ms, 750);
  EXPECT_DOUBLE_EQ(c->quality.MaxWerFor("espeak-en", "espeak-ng"), 0.9);
  EXPECT_DOUBLE_EQ(c->quality.MaxWerFor("flite-slt", "flite"), 0.2);
  EXPECT_EQ(c->load.jobs, 7);
  EXPECT_TRUE(c->failure.any());
  EXPECT_EQ(c->failure.max_failed, 1);
  EXPECT_EQ(c->markdown_report, "out/r.md");
  EXPECT_FALSE(c->quality.Judged("espeak-ng"));  // the default skip list
  EXPECT_TRUE(c->quality.Judged("piper"));
  EXPECT_TRUE(c->Runs("latency"));
  EXPECT_FALSE(c->Runs("load"));
  // The report records whether a hook is set, never its command (it may hold secrets).
  EXPECT_EQ(c->ToJson()["failure"]["kill_worker_cmd"], true);
}

TEST(StagingConfig, AnOverrideByVoiceIdBeatsOneByEngine) {
  QualityConfig q;
  q.max_wer_overrides = {{"espeak-ng", 0.9}, {"espeak-en-us", 0.5}};
  EXPECT_DOUBLE_EQ(q.MaxWerFor("espeak-en-us", "espeak-ng"), 0.5);
}

// Each bad file is refused naming the key at fault.
TEST(StagingConfig, RefusesBadKeysNamingThem) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"latency": {"max_ttfa_p95": 10}})", "latency.max_ttfa_p95"},
      {R"({"latency": {"max_ttfa_p95_ms": "10"}})", "latency.max_ttfa_p95_ms"},
      {R"({"latency": {"max_ttfa_p95_ms": -1}})", "latency.max_ttfa_p95_ms"},
      {R"({"load": {"jobs": 0}})", "load.jobs"},
      {R"({"load": {"jobs": 2.5}})", "load.jobs"},
      {R"({"load": []})", "load"},
      {R"({"quality": {"voices": [""]}})", "quality.voices"},
      {R"({"quality": {"max_wer_overrides": {"x": "high"}}})", "quality.max_wer_overrides.x"},
      {R"({"functional": {"min_seconds_per_char": 2, "max_seconds_per_char": 1}})",
       "functional.min_seconds_per_char"},
      {R"({"thresholds": {}})", "thresholds"},
      {R"({"checks": ["functional", "speed"]})", "checks"},
  };
  for (const auto& [text, key] : cases) {
    auto c = StagingConfig::FromJson(json::parse(text));
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().field, key) << text << ": " << c.error().message;
    EXPECT_NE(c.error().message.find(key), std::string::npos) << c.error().message;
  }
  EXPECT_FALSE(StagingConfig::FromJson(json::array()));
}

TEST(StagingConfig, LoadNamesTheFile) {
  auto missing = StagingConfig::Load("/nonexistent/thresholds.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "--config");
  const std::string path = ::testing::TempDir() + "/staging-bad.json";
  std::ofstream(path) << "{not json";
  auto bad = StagingConfig::Load(path);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(path), std::string::npos);
}

// The shipped configuration parses.
TEST(StagingConfig, TheShippedThresholdsLoad) {
  auto c = StagingConfig::Load(std::string(VOX_SOURCE_DIR) + "/deploy/staging/thresholds.json");
  ASSERT_TRUE(c) << c.error().ToString();
}

TEST(Percentile, NearestRank) {
  EXPECT_FALSE(Percentile({}, 50));
  EXPECT_DOUBLE_EQ(*Percentile({7}, 95), 7);
  EXPECT_DOUBLE_EQ(*Percentile({5, 1, 4, 2, 3}, 50), 3);
  EXPECT_DOUBLE_EQ(*Percentile({5, 1, 4, 2, 3}, 95), 5);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_DOUBLE_EQ(*Percentile(hundred, 95), 95);
  EXPECT_DOUBLE_EQ(*Percentile(hundred, 50), 50);
}

}  // namespace
}  // namespace vox::staging
