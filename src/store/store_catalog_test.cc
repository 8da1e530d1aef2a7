// Conformance: voices, models and the request cache.
#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

Voice MakeVoice(std::optional<std::string> user_id, const std::string& name) {
  Voice v;
  v.user_id = std::move(user_id);
  v.name = name;
  v.kind = v.user_id ? VoiceKind::kClone : VoiceKind::kBuiltin;
  v.status = v.user_id ? VoiceStatus::kProcessing : VoiceStatus::kReady;
  v.engine = "flite";
  v.base_voice = "slt";
  v.language = "en-US";
  v.gender = "female";
  v.metadata = R"({"sample_rate":16000})";
  v.created_at = 1000;
  return v;
}

TEST_P(StoreConformance, VoicesAreListedPerOwnerWithBuiltins) {
  User a = AddUser("a");
  User b = AddUser("b");
  VOX_ASSERT_OK(store_->CreateVoice(MakeVoice(std::nullopt, "zeta builtin")));
  VOX_ASSERT_OK(store_->CreateVoice(MakeVoice(std::nullopt, "alpha builtin")));
  VOX_ASSERT_OK_AND_ASSIGN(Voice mine, store_->CreateVoice(MakeVoice(a.id, "my clone")));
  VOX_ASSERT_OK(store_->CreateVoice(MakeVoice(b.id, "their clone")));
  EXPECT_TRUE(IsUuid(mine.id));
  EXPECT_EQ(mine.updated_at, mine.created_at);

  VOX_ASSERT_OK_AND_ASSIGN(auto with_builtin, store_->ListVoices(a.id, true));
  ASSERT_EQ(with_builtin.size(), 3u);
  EXPECT_EQ(with_builtin[0].name, "alpha builtin");  // built-ins first, by name
  EXPECT_EQ(with_builtin[1].name, "zeta builtin");
  EXPECT_EQ(with_builtin[2].id, mine.id);
  EXPECT_EQ(with_builtin[2].kind, VoiceKind::kClone);
  EXPECT_EQ(with_builtin[2].metadata, R"({"sample_rate":16000})");
  EXPECT_EQ(with_builtin[2].language, "en-US");

  VOX_ASSERT_OK_AND_ASSIGN(auto only_mine, store_->ListVoices(a.id, false));
  ASSERT_EQ(only_mine.size(), 1u);
  EXPECT_EQ(only_mine[0].id, mine.id);
  VOX_ASSERT_OK_AND_ASSIGN(auto builtins, store_->ListVoices(std::nullopt, true));
  ASSERT_EQ(builtins.size(), 2u);
  for (const Voice& v : builtins) EXPECT_FALSE(v.user_id.has_value());

  Voice owned_builtin = MakeVoice(a.id, "owned builtin");
  owned_builtin.kind = VoiceKind::kBuiltin;
  EXPECT_EQ(CodeOf(store_->CreateVoice(owned_builtin)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->CreateVoice(MakeVoice(NewUuid(), "orphan"))),
            ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, VoicesUpdateAndSoftDelete) {
  User a = AddUser();
  VOX_ASSERT_OK_AND_ASSIGN(Voice v, store_->CreateVoice(MakeVoice(a.id, "clone")));

  VoiceUpdate ready;
  ready.id = v.id;
  ready.status = VoiceStatus::kReady;
  ready.at = 2000;
  VOX_ASSERT_OK_AND_ASSIGN(Voice updated, store_->UpdateVoice(ready));
  EXPECT_EQ(updated.status, VoiceStatus::kReady);
  EXPECT_EQ(updated.metadata, v.metadata);  // untouched
  EXPECT_EQ(updated.updated_at, 2000);

  VoiceUpdate meta;
  meta.id = v.id;
  meta.metadata = R"({"similarity":0.91})";
  meta.at = 3000;
  VOX_ASSERT_OK_AND_ASSIGN(updated, store_->UpdateVoice(meta));
  EXPECT_EQ(updated.status, VoiceStatus::kReady);
  EXPECT_EQ(updated.metadata, R"({"similarity":0.91})");
  VOX_ASSERT_OK_AND_ASSIGN(Voice got, store_->GetVoice(v.id));
  EXPECT_EQ(got.metadata, R"({"similarity":0.91})");

  VOX_ASSERT_OK(store_->DeleteVoice(v.id, 4000));
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetVoice(v.id));
  EXPECT_EQ(got.status, VoiceStatus::kDeleted);
  EXPECT_EQ(got.deleted_at, 4000);
  EXPECT_EQ(got.updated_at, 4000);
  EXPECT_EQ(got.metadata, "{}");  // the embedding and consent details go with the voice
  EXPECT_EQ(got.name, "clone");   // the row itself stays (soft delete)
  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListVoices(a.id, true));
  EXPECT_TRUE(listed.empty());
  VOX_ASSERT_OK(store_->DeleteVoice(v.id, 5000));  // idempotent, keeps the first time
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetVoice(v.id));
  EXPECT_EQ(got.deleted_at, 4000);
  EXPECT_EQ(got.updated_at, 4000);
  EXPECT_EQ(got.metadata, "{}");
  // Deleted stays deleted: no revival, no metadata written back.
  VoiceUpdate revive;
  revive.id = v.id;
  revive.status = VoiceStatus::kReady;
  revive.metadata = R"({"embedding":[1]})";
  EXPECT_EQ(CodeOf(store_->UpdateVoice(revive)), ErrorCode::kFailedPrecondition);
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetVoice(v.id));
  EXPECT_EQ(got.status, VoiceStatus::kDeleted);
  EXPECT_EQ(got.metadata, "{}");
  VOX_ASSERT_OK_AND_ASSIGN(Voice other, store_->CreateVoice(MakeVoice(a.id, "other")));
  VoiceUpdate delete_by_update;
  delete_by_update.id = other.id;
  delete_by_update.status = VoiceStatus::kDeleted;
  EXPECT_EQ(CodeOf(store_->UpdateVoice(delete_by_update)), ErrorCode::kInvalidArgument);

  EXPECT_EQ(CodeOf(store_->DeleteVoice(NewUuid(), 1)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetVoice(NewUuid())), ErrorCode::kNotFound);
  VoiceUpdate missing;
  missing.id = NewUuid();
  missing.status = VoiceStatus::kReady;
  EXPECT_EQ(CodeOf(store_->UpdateVoice(missing)), ErrorCode::kNotFound);
}

Model MakeModel(const std::string& name, const std::string& version, ModelStatus status,
                int64_t created_at) {
  Model m;
  m.engine = "flite";
  m.name = name;
  m.version = version;
  m.status = status;
  m.tags = R"(["en","female"])";
  m.manifest = R"({"sample_rate":16000})";
  m.created_at = created_at;
  return m;
}

TEST_P(StoreConformance, ModelsUpsertAndResolveLatestActive) {
  VOX_ASSERT_OK_AND_ASSIGN(
      Model v1, store_->UpsertModel(MakeModel("flite-slt", "1", ModelStatus::kActive, 10)));
  VOX_ASSERT_OK(store_->UpsertModel(MakeModel("flite-slt", "2", ModelStatus::kActive, 20)));
  VOX_ASSERT_OK(store_->UpsertModel(MakeModel("flite-slt", "3", ModelStatus::kCanary, 30)));
  VOX_ASSERT_OK(store_->UpsertModel(MakeModel("flite-awb", "1", ModelStatus::kActive, 5)));
  Model other = MakeModel("en-us", "1.51", ModelStatus::kActive, 1);
  other.engine = "espeak";
  VOX_ASSERT_OK(store_->UpsertModel(other));

  VOX_ASSERT_OK_AND_ASSIGN(Model latest, store_->GetModel("flite", "flite-slt", std::nullopt));
  EXPECT_EQ(latest.version, "2");  // the canary is never picked by default
  VOX_ASSERT_OK_AND_ASSIGN(Model canary, store_->GetModel("flite", "flite-slt", "3"));
  EXPECT_EQ(canary.status, ModelStatus::kCanary);
  EXPECT_EQ(canary.tags, R"(["en","female"])");

  // Upserting the same (engine, name, version) updates it in place.
  Model retire = MakeModel("flite-slt", "2", ModelStatus::kRetired, 999);
  retire.tags = R"(["old"])";
  VOX_ASSERT_OK_AND_ASSIGN(Model retired, store_->UpsertModel(retire));
  EXPECT_EQ(retired.status, ModelStatus::kRetired);
  EXPECT_EQ(retired.tags, R"(["old"])");
  EXPECT_EQ(retired.created_at, 20);  // kept
  VOX_ASSERT_OK_AND_ASSIGN(latest, store_->GetModel("flite", "flite-slt", std::nullopt));
  EXPECT_EQ(latest.version, "1");
  EXPECT_EQ(latest.id, v1.id);

  VOX_ASSERT_OK_AND_ASSIGN(auto flite, store_->ListModels("flite"));
  ASSERT_EQ(flite.size(), 4u);
  EXPECT_EQ(flite[0].name, "flite-awb");
  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListModels(std::nullopt));
  EXPECT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].engine, "espeak");

  EXPECT_EQ(CodeOf(store_->GetModel("flite", "flite-slt", "9")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetModel("flite", "nobody", std::nullopt)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->UpsertModel(Model{})), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, CacheEntriesUpsertTouchAndDelete) {
  VOX_ASSERT_OK_AND_ASSIGN(auto miss, store_->GetCacheEntry("k1"));
  EXPECT_FALSE(miss.has_value());

  CacheEntry e;
  e.cache_key = "k1";
  e.audio_key = "audio/a.wav";
  e.format = "wav";
  e.duration_s = 1.25;
  e.audio_bytes = 40000;
  e.created_at = 100;
  VOX_ASSERT_OK(store_->PutCacheEntry(e));
  VOX_ASSERT_OK_AND_ASSIGN(auto hit, store_->GetCacheEntry("k1"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->audio_key, "audio/a.wav");
  EXPECT_DOUBLE_EQ(hit->duration_s, 1.25);
  EXPECT_EQ(hit->audio_bytes, 40000);
  EXPECT_EQ(hit->last_hit_at, 100);
  EXPECT_EQ(hit->hits, 0);

  VOX_ASSERT_OK(store_->TouchCacheEntry("k1", 200));
  VOX_ASSERT_OK(store_->TouchCacheEntry("k1", 300));
  VOX_ASSERT_OK_AND_ASSIGN(hit, store_->GetCacheEntry("k1"));
  EXPECT_EQ(hit->hits, 2);
  EXPECT_EQ(hit->last_hit_at, 300);

  e.audio_key = "audio/b.wav";  // re-synthesized: replace, keep the hit count
  e.created_at = 400;
  VOX_ASSERT_OK(store_->PutCacheEntry(e));
  VOX_ASSERT_OK_AND_ASSIGN(hit, store_->GetCacheEntry("k1"));
  EXPECT_EQ(hit->audio_key, "audio/b.wav");
  EXPECT_EQ(hit->hits, 2);

  VOX_ASSERT_OK(store_->DeleteCacheEntry("k1"));
  VOX_ASSERT_OK(store_->DeleteCacheEntry("k1"));
  VOX_ASSERT_OK_AND_ASSIGN(miss, store_->GetCacheEntry("k1"));
  EXPECT_FALSE(miss.has_value());
  EXPECT_EQ(CodeOf(store_->TouchCacheEntry("k1", 500)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->PutCacheEntry(CacheEntry{})), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace vox::store::testing
