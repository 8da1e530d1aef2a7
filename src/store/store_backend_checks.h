// Test helpers for what each backend's own test checks the same way but
// cannot express through the conformance fixture: an upgrade from schema
// version 1 (it needs a raw session on a fresh database) and two Store
// handles on one database (two processes).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/migrator.h"
#include "store/store.h"

namespace vox::store::testing {

// Rows written by a version-1 binary (only columns that existed then).
inline constexpr const char* kVersion1Rows = R"sql(
INSERT INTO users (id, name, created_at) VALUES ('u1', 'old user', 1000);
INSERT INTO users (id, name, plan, is_admin, created_at) VALUES ('u0', 'old admin', 'admin', '1', 1000);
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at)
  VALUES ('k1', 'u1', 'old key', 'vox_old1', 'old-hash-1', 1000),
         ('k0', 'u0', 'old admin key', 'vox_old0', 'old-hash-0', 1000);
INSERT INTO voices (id, user_id, name, kind, status, engine, metadata, created_at, updated_at)
  VALUES ('v1', 'u1', 'old clone', 'clone', 'ready', 'flite', '{"embedding":[1,2]}', 1000, 1000);
INSERT INTO jobs (id, user_id, status, voice_id, text, format, duration_s, next_attempt_at,
                  created_at, updated_at)
  VALUES ('j1', 'u1', 'done', 'v1', 'hello from v1', 'wav', 1.5, 1000, 1000, 2000),
         ('j2', 'u1', 'queued', 'v1', 'still queued', 'wav', NULL, 1000, 1001, 1001);
INSERT INTO logs (job_id, status, at) VALUES ('j1', 'done', 2000);
)sql";

// Migrates `fresh` to version 1 and writes kVersion1Rows, then opens the
// database with `open`, migrates it to the latest version and checks it.
inline void ExpectVersion1Upgrade(sql::Session& fresh, const sql::Schema& schema,
                                  const std::function<std::unique_ptr<Store>()>& open) {
  auto v1 = sql::ApplyMigrations(fresh, schema, 1, /*up_to=*/1);
  ASSERT_TRUE(v1) << v1.error().ToString();
  auto rows = fresh.Exec(kVersion1Rows);
  ASSERT_TRUE(rows) << rows.error().ToString();
  std::unique_ptr<Store> store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->SchemaVersion().value_or(-1), 1);
  auto migrated = store->Migrate();
  ASSERT_TRUE(migrated) << migrated.error().ToString();
  EXPECT_EQ(store->SchemaVersion().value_or(-1), schema.latest());

  auto user = store->GetUser("u1");
  ASSERT_TRUE(user) << user.error().ToString();
  EXPECT_EQ(user->name, "old user");
  // Keys made before scopes keep what they could do: all but admin, admin for admins.
  auto key = store->FindApiKeyByHash("old-hash-1");
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->scopes, "tts:read tts:write voices:read voices:write");
  EXPECT_FALSE(key->project.has_value());
  auto admin_key = store->FindApiKeyByHash("old-hash-0");
  ASSERT_TRUE(admin_key) << admin_key.error().ToString();
  EXPECT_EQ(admin_key->scopes, "tts:read tts:write voices:read voices:write admin");
  auto voice = store->GetVoice("v1");
  ASSERT_TRUE(voice) << voice.error().ToString();
  EXPECT_EQ(voice->metadata, R"({"embedding":[1,2]})");
  auto job = store->GetJob("j1");
  ASSERT_TRUE(job) << job.error().ToString();
  EXPECT_EQ(job->text, "hello from v1");
  EXPECT_EQ(job->duration_s, 1.5);
  EXPECT_FALSE(job->voice_similarity.has_value());  // the new column is NULL on old rows
  EXPECT_EQ(store->ListJobEvents("j1").value_or(std::vector<JobEvent>{}).size(), 1u);
  // Schema 8 rebuilt the voices table: the old clone is there to be revoked, its jobs listed.
  EXPECT_EQ(store->ListVoiceJobs("v1", "", 10).value_or(std::vector<Job>{}).size(), 2u);

  // Old rows take part in the new features.
  auto claimed = store->ClaimNextJob("w", 1000, 5000);
  ASSERT_TRUE(claimed && claimed->has_value());
  EXPECT_EQ((*claimed)->id, "j2");
  JobTransition done;
  done.job_id = "j2";
  done.to = JobStatus::kDone;
  done.voice_similarity = 0.75;
  ASSERT_TRUE(store->TransitionJob(done).value_or(false));
  EXPECT_EQ(store->GetJob("j2")->voice_similarity, 0.75);
  ProtectedVoiceRecord pv;
  pv.name = "someone famous";
  pv.created_by = "u1";
  ASSERT_TRUE(store->CreateProtectedVoice(pv));
  EXPECT_EQ(store->ListProtectedVoices()->size(), 1u);
}

// `a` and `b` reach one migrated database. Jobs created through either are
// each claimed exactly once by `threads` workers claiming through both.
inline void ExpectTwoStoresClaimEachJobOnce(Store& a, Store& b, int threads) {
  auto user = a.CreateUser(User{.name = "u"});
  ASSERT_TRUE(user) << user.error().ToString();
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) {
    Job j;
    j.user_id = user->id;
    j.status = JobStatus::kQueued;
    j.voice_id = "v";
    j.text = "t" + std::to_string(i);
    j.format = "wav";
    j.next_attempt_at = 1;
    ASSERT_TRUE((i % 2 ? a : b).CreateJob(j, {}));
  }
  std::mutex mu;
  std::map<std::string, int> claims;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Store& s = t % 2 ? a : b;
      while (true) {
        auto c = s.ClaimNextJob("w" + std::to_string(t), 60000, 1000);
        ASSERT_TRUE(c) << c.error().ToString();
        if (!c->has_value()) return;
        std::lock_guard<std::mutex> lock(mu);
        ++claims[(*c)->id];
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(claims.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, n] : claims) EXPECT_EQ(n, 1) << id;
}

}  // namespace vox::store::testing
