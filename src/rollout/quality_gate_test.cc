// The gate's decision on measured scores (the measuring runs in the e2e test,
// tests/rollout_e2e_test.cc, on generated Piper voices).
#include "rollout/quality_gate.h"

#include <gtest/gtest.h>

#include <limits>

namespace vox::rollout {
namespace {

VersionScore Score(std::optional<double> wer, double rtf) {
  VersionScore s;
  s.voice = "piper-v@x";
  s.wer = wer;
  s.rtf = rtf;
  s.audio_s = std::isfinite(rtf) ? 10 : 0;
  return s;
}

bool Passed(const GateReport& r, const std::string& check) {
  for (const GateCheck& c : r.checks) {
    if (c.name == check) return c.passed;
  }
  ADD_FAILURE() << "no check " << check;
  return false;
}

struct Case {
  const char* what;
  std::optional<double> stable_wer, candidate_wer;
  double stable_rtf, candidate_rtf;
  std::optional<double> similarity;
  bool wer, sim, rtf;
};

TEST(QualityGate, JudgesEachCheckAgainstItsBound) {
  const GateBounds bounds;  // +0.10 WER, similarity 0.75, RTF x1.5
  const double inf = std::numeric_limits<double>::infinity();
  const Case cases[] = {
      {"as good", 0.20, 0.20, 0.10, 0.10, 0.95, true, true, true},
      {"within every bound", 0.20, 0.30, 0.10, 0.15, 0.75, true, true, true},
      {"WER beyond", 0.20, 0.31, 0.10, 0.10, 0.95, false, true, true},
      {"better WER", 0.50, 0.10, 0.10, 0.10, 0.95, true, true, true},
      {"another speaker", 0.20, 0.20, 0.10, 0.10, 0.40, true, false, true},
      {"no similarity", 0.20, 0.20, 0.10, 0.10, std::nullopt, true, false, true},
      {"slower", 0.20, 0.20, 0.10, 0.16, 0.95, true, true, false},
      {"silent", 0.20, 1.00, 0.10, inf, std::nullopt, false, false, false},
      {"not English", std::nullopt, std::nullopt, 0.10, 0.10, 0.95, true, true, true},
  };
  for (const Case& c : cases) {
    const GateReport r = Judge(Score(c.stable_wer, c.stable_rtf),
                               Score(c.candidate_wer, c.candidate_rtf), c.similarity, "", bounds);
    EXPECT_EQ(Passed(r, "wer"), c.wer) << c.what;
    EXPECT_EQ(Passed(r, "similarity"), c.sim) << c.what;
    EXPECT_EQ(Passed(r, "rtf"), c.rtf) << c.what;
    EXPECT_EQ(r.passed, c.wer && c.sim && c.rtf) << c.what;
  }
}

TEST(QualityGate, ReportIsJsonWithoutInfinities) {
  const GateReport r =
      Judge(Score(0.2, 0.1), Score(1.0, std::numeric_limits<double>::infinity()), std::nullopt,
            "the candidate's audio cannot be embedded", GateBounds{});
  const nlohmann::json j = r.ToJson();
  EXPECT_FALSE(j["passed"].get<bool>());
  EXPECT_TRUE(j["candidate"]["rtf"].is_null());
  EXPECT_TRUE(j["similarity"].is_null());
  ASSERT_EQ(j["checks"].size(), 3u);
  EXPECT_EQ(j["checks"][1]["detail"], "the candidate's audio cannot be embedded");
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

TEST(QualityGate, BoundsNameTheirFlag) {
  GateBounds b;
  b.max_rtf_ratio = 0;
  ASSERT_FALSE(b.Validate());
  EXPECT_EQ(b.Validate().error().field, "--max-rtf-ratio");
  b = GateBounds{};
  b.min_similarity = 2;
  EXPECT_EQ(b.Validate().error().field, "--min-similarity");
  EXPECT_TRUE(GateBounds{}.Validate());
}

}  // namespace
}  // namespace vox::rollout
