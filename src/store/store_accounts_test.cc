// Conformance: schema, users, API keys, OAuth clients and the audit trail.
#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

TEST_P(StoreConformance, MigrateIsVersionedAndIdempotent) {
  VOX_ASSERT_OK_AND_ASSIGN(int version, store_->SchemaVersion());
  EXPECT_EQ(version, store_->LatestSchemaVersion());
  // 2: voice cloning, 3: voice creation jobs, 4: scopes, clients, 5: hash-chained audit,
  // 6: usage, 7: model versions, 8: consent revocation, 9: fair claims and audio retention,
  // 10: consent challenges and used recordings
  EXPECT_EQ(version, 10);
  VOX_ASSERT_OK(store_->Migrate());
  VOX_ASSERT_OK(store_->Migrate());
  VOX_ASSERT_OK_AND_ASSIGN(int again, store_->SchemaVersion());
  EXPECT_EQ(again, version);
  VOX_ASSERT_OK(store_->Ping());
}

TEST_P(StoreConformance, SchemaAndDataPersistAcrossReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "in-memory backend";
  User u = AddUser("persisted");
  Job j = AddQueuedJob(u.id);
  Reopen();
  VOX_ASSERT_OK_AND_ASSIGN(int version, store_->SchemaVersion());
  EXPECT_EQ(version, store_->LatestSchemaVersion());  // without calling Migrate again
  VOX_ASSERT_OK(store_->Migrate());
  VOX_ASSERT_OK_AND_ASSIGN(User back, store_->GetUser(u.id));
  EXPECT_EQ(back.name, "persisted");
  VOX_ASSERT_OK_AND_ASSIGN(Job job, store_->GetJob(j.id));
  EXPECT_EQ(job.text, j.text);
}

TEST_P(StoreConformance, CreatesAndGetsUsers) {
  User admin;
  admin.name = "root";
  admin.plan = "enterprise";
  admin.is_admin = true;
  VOX_ASSERT_OK_AND_ASSIGN(User created, store_->CreateUser(admin));
  EXPECT_TRUE(IsUuid(created.id)) << created.id;
  EXPECT_GT(created.created_at, 0);
  VOX_ASSERT_OK_AND_ASSIGN(User got, store_->GetUser(created.id));
  EXPECT_EQ(got.name, "root");
  EXPECT_EQ(got.plan, "enterprise");
  EXPECT_TRUE(got.is_admin);
  EXPECT_EQ(got.created_at, created.created_at);

  User plain = AddUser("bob");
  VOX_ASSERT_OK_AND_ASSIGN(User got_plain, store_->GetUser(plain.id));
  EXPECT_EQ(got_plain.plan, "free");
  EXPECT_FALSE(got_plain.is_admin);

  auto missing = store_->GetUser(NewUuid());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto dup = store_->CreateUser(got);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
}

ApiKey MakeKey(const std::string& user_id, const std::string& prefix, const std::string& hash) {
  ApiKey k;
  k.user_id = user_id;
  k.name = "key " + prefix;
  k.prefix = prefix;
  k.key_hash = hash;
  return k;
}

TEST_P(StoreConformance, ApiKeyLifecycle) {
  User u = AddUser();
  ApiKey k = MakeKey(u.id, "vox_ab12", "hash-1");
  k.created_at = kT0;
  k.scopes = "tts:read voices:read";
  k.project = "podcast";
  VOX_ASSERT_OK_AND_ASSIGN(ApiKey created, store_->CreateApiKey(k));
  EXPECT_TRUE(IsUuid(created.id));
  // A key without a project keeps none (NULL, not "").
  VOX_ASSERT_OK(store_->CreateApiKey(MakeKey(u.id, "vox_noproj", "hash-np")));
  VOX_ASSERT_OK_AND_ASSIGN(ApiKey no_project, store_->FindApiKeyByHash("hash-np"));
  EXPECT_FALSE(no_project.project.has_value());
  EXPECT_EQ(no_project.scopes, "");

  VOX_ASSERT_OK_AND_ASSIGN(ApiKey found, store_->FindApiKeyByHash("hash-1"));
  EXPECT_EQ(found.id, created.id);
  EXPECT_EQ(found.user_id, u.id);
  EXPECT_EQ(found.prefix, "vox_ab12");
  EXPECT_EQ(found.created_at, kT0);
  EXPECT_EQ(found.scopes, "tts:read voices:read");
  EXPECT_EQ(found.project, "podcast");
  EXPECT_FALSE(found.revoked());
  EXPECT_FALSE(found.last_used_at.has_value());
  EXPECT_EQ(CodeOf(store_->FindApiKeyByHash("hash-2")), ErrorCode::kNotFound);

  VOX_ASSERT_OK(store_->TouchApiKey(created.id, kT0 + 5));
  VOX_ASSERT_OK_AND_ASSIGN(found, store_->FindApiKeyByHash("hash-1"));
  EXPECT_EQ(found.last_used_at, kT0 + 5);

  VOX_ASSERT_OK_AND_ASSIGN(ApiKey revoked, store_->RevokeApiKey("vox_ab12", kT0 + 10));
  EXPECT_EQ(revoked.revoked_at, kT0 + 10);
  // Revoked keys are still returned, marked, so the caller decides.
  VOX_ASSERT_OK_AND_ASSIGN(found, store_->FindApiKeyByHash("hash-1"));
  EXPECT_TRUE(found.revoked());
  // Revoking again succeeds and keeps the first time.
  VOX_ASSERT_OK_AND_ASSIGN(revoked, store_->RevokeApiKey(created.id, kT0 + 99));
  EXPECT_EQ(revoked.revoked_at, kT0 + 10);
}

TEST_P(StoreConformance, ApiKeyErrors) {
  User u = AddUser();
  VOX_ASSERT_OK(store_->CreateApiKey(MakeKey(u.id, "vox_same", "h1")));
  auto dup = store_->CreateApiKey(MakeKey(u.id, "vox_other", "h1"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);

  auto orphan = store_->CreateApiKey(MakeKey(NewUuid(), "vox_orph", "h9"));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kInvalidArgument);

  VOX_ASSERT_OK_AND_ASSIGN(ApiKey second, store_->CreateApiKey(MakeKey(u.id, "vox_same", "h2")));
  auto ambiguous = store_->RevokeApiKey("vox_same", kT0);
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kInvalidArgument);
  VOX_ASSERT_OK(store_->RevokeApiKey(second.id, kT0));  // the id is never ambiguous

  EXPECT_EQ(CodeOf(store_->RevokeApiKey("nope", kT0)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->TouchApiKey(NewUuid(), kT0)), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ListsApiKeysOldestFirstAndByUser) {
  User a = AddUser("a");
  User b = AddUser("b");
  for (int i = 0; i < 3; ++i) {
    ApiKey k = MakeKey(i == 1 ? b.id : a.id, "p" + std::to_string(i), "h" + std::to_string(i));
    k.created_at = kT0 + 10 - i;  // inserted newest first
    VOX_ASSERT_OK(store_->CreateApiKey(k));
  }
  VOX_ASSERT_OK(store_->RevokeApiKey("p0", kT0 + 20));
  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListApiKeys(std::nullopt));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].prefix, "p2");
  EXPECT_EQ(all[2].prefix, "p0");
  EXPECT_TRUE(all[2].revoked());  // revoked keys are listed too
  VOX_ASSERT_OK_AND_ASSIGN(auto of_a, store_->ListApiKeys(a.id));
  ASSERT_EQ(of_a.size(), 2u);
  for (const ApiKey& k : of_a) EXPECT_EQ(k.user_id, a.id);
}

OAuthClient MakeClient(const std::string& user_id, const std::string& id) {
  OAuthClient c;
  c.id = id;
  c.user_id = user_id;
  c.name = "client " + id;
  c.secret_hash = "hash-" + id;
  c.scopes = "tts:write";
  return c;
}

TEST_P(StoreConformance, OAuthClientLifecycle) {
  User u = AddUser();
  OAuthClient c = MakeClient(u.id, "vc_2");
  c.created_at = kT0 + 1;
  c.project = "mobile";
  VOX_ASSERT_OK(store_->CreateOAuthClient(c));
  OAuthClient older = MakeClient(u.id, "vc_1");
  older.created_at = kT0;
  VOX_ASSERT_OK(store_->CreateOAuthClient(older));

  VOX_ASSERT_OK_AND_ASSIGN(OAuthClient got, store_->GetOAuthClient("vc_2"));
  EXPECT_EQ(got.user_id, u.id);
  EXPECT_EQ(got.name, "client vc_2");
  EXPECT_EQ(got.secret_hash, "hash-vc_2");
  EXPECT_EQ(got.scopes, "tts:write");
  EXPECT_EQ(got.project, "mobile");
  EXPECT_EQ(got.created_at, kT0 + 1);
  EXPECT_FALSE(got.revoked());
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetOAuthClient("vc_1"));
  EXPECT_FALSE(got.project.has_value());

  VOX_ASSERT_OK_AND_ASSIGN(auto all, store_->ListOAuthClients());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "vc_1");  // oldest first
  EXPECT_EQ(all[1].id, "vc_2");

  VOX_ASSERT_OK_AND_ASSIGN(OAuthClient revoked, store_->RevokeOAuthClient("vc_2", kT0 + 10));
  EXPECT_EQ(revoked.revoked_at, kT0 + 10);
  VOX_ASSERT_OK_AND_ASSIGN(revoked, store_->RevokeOAuthClient("vc_2", kT0 + 99));
  EXPECT_EQ(revoked.revoked_at, kT0 + 10);  // the first time stays
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->GetOAuthClient("vc_2"));
  EXPECT_TRUE(got.revoked());
}

TEST_P(StoreConformance, OAuthClientErrors) {
  User u = AddUser();
  VOX_ASSERT_OK(store_->CreateOAuthClient(MakeClient(u.id, "vc_x")));
  EXPECT_EQ(CodeOf(store_->CreateOAuthClient(MakeClient(u.id, "vc_x"))), ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeOf(store_->CreateOAuthClient(MakeClient(NewUuid(), "vc_y"))),
            ErrorCode::kInvalidArgument);
  OAuthClient no_secret = MakeClient(u.id, "vc_z");
  no_secret.secret_hash.clear();
  EXPECT_EQ(CodeOf(store_->CreateOAuthClient(no_secret)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->GetOAuthClient("vc_none")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->RevokeOAuthClient("vc_none", kT0)), ErrorCode::kNotFound);
}

TEST_P(StoreConformance, AuditAppendsAndFilters) {
  User u = AddUser();
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    AuditEvent e;
    e.at = kT0 + i;
    e.actor_user_id = u.id;
    e.actor_key_id = i % 2 == 0 ? std::optional<std::string>("key-1") : std::nullopt;
    e.action = i < 3 ? "job.create" : "key.revoke";
    e.target_type = i < 3 ? "job" : "api_key";
    e.target_id = "t" + std::to_string(i);
    e.request_id = "req-" + std::to_string(i);
    e.detail = R"({"i":)" + std::to_string(i) + "}";
    VOX_ASSERT_OK_AND_ASSIGN(int64_t id, store_->AppendAudit(e));
    if (!ids.empty()) {
      EXPECT_GT(id, ids.back());
    }
    ids.push_back(id);
  }
  AuditQuery q;
  q.limit = 3;
  VOX_ASSERT_OK_AND_ASSIGN(auto newest, store_->ListAudit(q));
  ASSERT_EQ(newest.size(), 3u);
  EXPECT_EQ(newest[0].id, ids[4]);  // newest first
  EXPECT_EQ(newest[0].action, "key.revoke");
  EXPECT_EQ(newest[0].actor_key_id, "key-1");
  EXPECT_EQ(newest[1].actor_key_id, std::nullopt);
  EXPECT_EQ(newest[0].detail, R"({"i":4})");
  EXPECT_EQ(newest[0].request_id, "req-4");

  q.limit = 100;
  q.before_id = newest.back().id;  // next page
  VOX_ASSERT_OK_AND_ASSIGN(auto page2, store_->ListAudit(q));
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[0].id, ids[1]);

  AuditQuery by_action;
  by_action.action = "job.create";
  VOX_ASSERT_OK_AND_ASSIGN(auto creates, store_->ListAudit(by_action));
  EXPECT_EQ(creates.size(), 3u);
  AuditQuery by_target;
  by_target.target_type = "job";
  by_target.target_id = "t1";
  VOX_ASSERT_OK_AND_ASSIGN(auto one, store_->ListAudit(by_target));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].at, kT0 + 1);
  AuditQuery by_actor;
  by_actor.actor_user_id = NewUuid();
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->ListAudit(by_actor));
  EXPECT_TRUE(none.empty());

  AuditEvent bad;
  EXPECT_EQ(CodeOf(store_->AppendAudit(bad)), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace vox::store::testing
