#include "staging/staging_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vox::staging {
namespace {

using nlohmann::json;

TEST(Report, JudgesAgainstTheBound) {
  Report r;
  r.Judge("latency", "latency.max_ttfa_p95_ms", "", 120, "<=", 200);
  r.Judge("quality", "quality.min_clone_similarity", "c1", 0.8, ">=", 0.7);
  r.Info("load", "load.wall_s", "", 3.5);
  EXPECT_TRUE(r.passed());
  r.Judge("latency", "latency.max_job_p95_ms", "", 900, "<=", 500, "5 samples");
  r.Judge("quality", "quality.wer", "flite-slt", std::nullopt, "<=", 0.3, "no audio");
  r.Outcome("functional", "functional.speaks", "de", false, "voice espeak-de: job failed");
  ASSERT_FALSE(r.passed());
  auto failed = r.failures();
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0].Describe(), "latency.max_job_p95_ms = 900 > 500: 5 samples");
  EXPECT_EQ(failed[1].Describe(), "quality.wer [flite-slt] vs bound 0.3: no audio");
  EXPECT_EQ(failed[2].Describe(), "functional.speaks [de]: voice espeak-de: job failed");
}

TEST(Report, WritesJsonAndMarkdownNamingTheFailure) {
  Report r;
  r.Judge("latency", "latency.max_ttfa_p50_ms", "", 80, "<=", 100);
  r.Judge("latency", "latency.max_ttfa_p95_ms", "", 250, "<=", 200);
  r.Outcome("load", "load.listed_once", "", true, "a | b");
  const auto dir = std::filesystem::path(::testing::TempDir()) / "staging-report-test";
  std::filesystem::remove_all(dir);
  const json context = {{"target", "http://x"}, {"started_at", "t"}, {"duration_s", 1.5}};
  ASSERT_TRUE(r.Write((dir / "a/r.json").string(), (dir / "b/r.md").string(), context));
  json written = json::parse(std::ifstream(dir / "a/r.json"));
  EXPECT_EQ(written["passed"], false);
  EXPECT_EQ(written["target"], "http://x");
  ASSERT_EQ(written["failures"].size(), 1u);
  EXPECT_EQ(written["failures"][0], "latency.max_ttfa_p95_ms = 250 > 200");
  ASSERT_EQ(written["metrics"].size(), 3u);
  EXPECT_EQ(written["metrics"][1]["bound"], 200);
  EXPECT_EQ(written["metrics"][2]["bound"], nullptr);
  std::stringstream md;
  md << std::ifstream(dir / "b/r.md").rdbuf();
  EXPECT_NE(md.str().find("# Vox staging report: FAIL"), std::string::npos) << md.str();
  EXPECT_NE(md.str().find("- latency.max_ttfa_p95_ms = 250 > 200"), std::string::npos);
  EXPECT_NE(md.str().find("| **FAIL** | latency.max_ttfa_p95_ms"), std::string::npos);
  EXPECT_NE(md.str().find("a \\| b"), std::string::npos);  // a pipe cannot cut the row
  std::filesystem::remove_all(dir);
}

TEST(Report, AnUnwritablePathIsAnError) {
  Report r;
  EXPECT_FALSE(r.Write("/proc/staging/r.json", "/proc/staging/r.md", json::object()));
}

}  // namespace
}  // namespace vox::staging
