#include "rollout/canary_choice.h"

#include <gtest/gtest.h>

#include "common/uuid.h"

namespace vox::rollout {
namespace {

store::Model Row(const std::string& version, store::Rollout rollout, int weight = 0) {
  store::Model m;
  m.engine = "piper";
  m.name = "piper-voice";
  m.version = version;
  m.rollout = rollout;
  m.canary_weight = weight;
  return m;
}

TEST(CanaryChoice, IsTheSameForAJobEveryTimeItIsAsked) {
  const std::vector<store::Model> rows = {Row("1", store::Rollout::kStable),
                                          Row("2", store::Rollout::kCanary, 50)};
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewUuid();
    const store::Model* first = ChooseVersion(rows, id);
    ASSERT_NE(first, nullptr);
    for (int again = 0; again < 3; ++again) EXPECT_EQ(ChooseVersion(rows, id), first) << id;
    EXPECT_EQ(RoutingBucket(id), RoutingBucket(std::string(id)));
  }
  // Fixed values: the bucket must not change between builds or processes.
  EXPECT_EQ(RoutingBucket("job-1"), RoutingBucket("job-1"));
  EXPECT_NE(RoutingBucket("a"), RoutingBucket("b"));
}

TEST(CanaryChoice, SendsAboutTheWeightToTheCanary) {
  for (int weight : {1, 10, 50, 90}) {
    const std::vector<store::Model> rows = {Row("1", store::Rollout::kStable),
                                            Row("2", store::Rollout::kCanary, weight)};
    constexpr int kJobs = 20000;
    int canary = 0;
    for (int i = 0; i < kJobs; ++i) {
      if (ChooseVersion(rows, NewUuid())->version == "2") ++canary;
    }
    // Binomial: 4 standard deviations of 20000 draws at p=0.5 is under 1.5 %.
    EXPECT_NEAR(100.0 * canary / kJobs, weight, 1.5) << "weight " << weight;
  }
}

TEST(CanaryChoice, NeedsAStableVersionOrAWeightedCanary) {
  EXPECT_EQ(ChooseVersion({}, "job"), nullptr);
  EXPECT_EQ(ChooseVersion({Row("1", store::Rollout::kNone)}, "job"), nullptr);
  // A canary with weight 0 (rolled back, or not yet opened) gets nothing.
  const std::vector<store::Model> closed = {Row("1", store::Rollout::kStable),
                                            Row("2", store::Rollout::kCanary, 0)};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ChooseVersion(closed, NewUuid())->version, "1");
  // Weight 100: every job, even with no stable version at all.
  const std::vector<store::Model> all = {Row("2", store::Rollout::kCanary, 100)};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ChooseVersion(all, NewUuid())->version, "2");
  // Retired versions are never chosen.
  EXPECT_EQ(ChooseVersion({Row("0", store::Rollout::kRetired)}, "job"), nullptr);
}

TEST(CanaryChoice, ModelVersionMatchesWhatJobsRecord) {
  EXPECT_EQ(ModelVersionOf(Row("2", store::Rollout::kCanary)), "piper/piper-voice@2");
}

}  // namespace
}  // namespace vox::rollout
