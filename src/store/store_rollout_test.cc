// Conformance: model versions through their rollout (stable, canary, retired)
// and the outcomes of the jobs each version ran.
#include <map>

#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

Model Version(const std::string& name, const std::string& version) {
  Model m;
  m.engine = "piper";
  m.name = name;
  m.version = version;
  return m;
}

std::map<std::string, Model> ByVersion(const std::vector<Model>& all, const std::string& name) {
  std::map<std::string, Model> out;
  for (const Model& m : all) {
    if (m.name == name) out[m.version] = m;
  }
  return out;
}

TEST_P(StoreConformance, RolloutKeepsOneStableAndOneCanaryPerVoice) {
  for (const char* v : {"1", "2", "3"}) VOX_ASSERT_OK(store_->UpsertModel(Version("piper-a", v)));
  VOX_ASSERT_OK(store_->UpsertModel(Version("piper-b", "1")));

  VOX_ASSERT_OK_AND_ASSIGN(Model stable,
                           store_->SetModelRollout("piper-a", "1", Rollout::kStable, 50));
  EXPECT_EQ(stable.rollout, Rollout::kStable);
  EXPECT_EQ(stable.canary_weight, 0);  // a weight means something for a canary only
  VOX_ASSERT_OK_AND_ASSIGN(Model canary,
                           store_->SetModelRollout("piper-a", "2", Rollout::kCanary, 10));
  EXPECT_EQ(canary.rollout, Rollout::kCanary);
  EXPECT_EQ(canary.status, ModelStatus::kCanary);
  EXPECT_EQ(canary.canary_weight, 10);
  VOX_ASSERT_OK(store_->SetModelRollout("piper-b", "1", Rollout::kStable, 0));

  // A second canary displaces the first; the other voice is untouched.
  VOX_ASSERT_OK(store_->SetModelRollout("piper-a", "3", Rollout::kCanary, 25));
  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListModels(std::nullopt));
  auto a = ByVersion(all, "piper-a");
  EXPECT_EQ(a["1"].rollout, Rollout::kStable);
  EXPECT_EQ(a["2"].rollout, Rollout::kNone);
  EXPECT_EQ(a["2"].canary_weight, 0);
  EXPECT_EQ(a["2"].status, ModelStatus::kActive);
  EXPECT_EQ(a["3"].canary_weight, 25);
  EXPECT_EQ(ByVersion(all, "piper-b")["1"].rollout, Rollout::kStable);

  // Promotion: the canary becomes stable, the old stable is retired.
  VOX_ASSERT_OK(store_->SetModelRollout("piper-a", "3", Rollout::kStable, 0));
  VOX_ASSERT_OK_AND_ASSIGN(all, store_->ListModels("piper"));
  a = ByVersion(all, "piper-a");
  EXPECT_EQ(a["3"].rollout, Rollout::kStable);
  EXPECT_EQ(a["3"].canary_weight, 0);
  EXPECT_EQ(a["3"].status, ModelStatus::kActive);
  EXPECT_EQ(a["1"].rollout, Rollout::kRetired);
  EXPECT_EQ(a["1"].status, ModelStatus::kRetired);

  // Re-seeding a version (UpsertModel) never moves it in its rollout.
  Model again = Version("piper-a", "3");
  again.tags = R"(["seeded"])";
  VOX_ASSERT_OK_AND_ASSIGN(Model upserted, store_->UpsertModel(again));
  EXPECT_EQ(upserted.rollout, Rollout::kStable);
  EXPECT_EQ(upserted.tags, R"(["seeded"])");
}

TEST_P(StoreConformance, RolloutRefusesUnknownVersionsAndBadWeights) {
  VOX_ASSERT_OK(store_->UpsertModel(Version("piper-a", "1")));
  EXPECT_EQ(CodeOf(store_->SetModelRollout("piper-a", "9", Rollout::kCanary, 5)),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->SetModelRollout("nobody", "1", Rollout::kStable, 0)),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->SetModelRollout("piper-a", "1", Rollout::kCanary, 101)),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->SetModelRollout("piper-a", "1", Rollout::kCanary, -1)),
            ErrorCode::kInvalidArgument);
  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListModels(std::nullopt));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rollout, Rollout::kNone);  // nothing changed
}

TEST_P(StoreConformance, ModelOutcomesCountFinishedJobsOfOneVersion) {
  User u = AddUser();
  auto add = [&](const std::string& version, JobStatus status) {
    Job j = NewJob(u.id);
    j.model_version = version;
    j.status = status;
    ASSERT_TRUE(store_->CreateJob(j, {}).has_value());
  };
  for (int i = 0; i < 3; ++i) add("piper/piper-a@2", JobStatus::kDone);
  add("piper/piper-a@2", JobStatus::kFailed);
  add("piper/piper-a@2", JobStatus::kQueued);  // not finished: not counted
  add("piper/piper-a@1", JobStatus::kFailed);
  VOX_ASSERT_OK_AND_ASSIGN(ModelOutcomes two, store_->CountModelOutcomes("piper/piper-a@2"));
  EXPECT_EQ(two.done, 3);
  EXPECT_EQ(two.failed, 1);
  EXPECT_DOUBLE_EQ(two.error_rate(), 0.25);
  VOX_ASSERT_OK_AND_ASSIGN(ModelOutcomes none, store_->CountModelOutcomes("piper/piper-a@3"));
  EXPECT_EQ(none.total(), 0);
  EXPECT_EQ(none.error_rate(), 0);
}

}  // namespace
}  // namespace vox::store::testing
