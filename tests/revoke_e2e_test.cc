// Consent revocation end to end: a real `vox serve` (one worker) and the real
// `vox voices revoke`, on a clone made from a test speaker's recordings with
// a consent recording (support/clone_upload.h). After the revocation nothing
// spoken in or learned from the voice remains, in the blob store or the
// database, and the record of it does.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "store/store.h"
#include "support/api_client.h"
#include "support/clone_upload.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kSpeakerName = "Jane Doe";

std::string NewUserKey(const fs::path& data, const std::string& name) {
  auto created = RunVox({"keys", "create", "--data", data.string(), "--name", name});
  EXPECT_EQ(created.exit_code, 0) << created.err;
  return created.out.substr(0, created.out.find('\n'));
}

// Files under data/blobs/<prefix> (recursively).
size_t BlobsUnder(const fs::path& data, const std::string& prefix) {
  const fs::path root = data / "blobs" / prefix;
  if (!fs::exists(root)) return 0;
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) files += e.is_regular_file();
  return files;
}

// Blobs of job `id`: audio/<id>.wav, its marks and its timestamps.
size_t JobBlobs(const fs::path& data, const std::string& id) {
  const fs::path root = data / "blobs" / "audio";
  if (!fs::exists(root)) return 0;
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(root)) {
    files += e.path().filename().string().starts_with(id);
  }
  return files;
}

std::string Submitted(ApiClient& api, const json& body) {
  auto r = api.Submit(body);
  EXPECT_TRUE(r && r->status == 202) << (r ? r->body : r.error().message);
  return r && r->status == 202 ? r->JsonBody()["job_id"].get<std::string>() : "";
}

TEST(RevokeE2E, ARevokedVoiceStopsAtOnceAndNothingOfItRemains) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ServerProcess server(data, {"--workers", "1", "--max-upload-bytes", "4000000"});
  ASSERT_TRUE(server.Start()) << server.output();
  const std::string alice_key = NewUserKey(data, "alice");
  ApiClient alice(server.port(), alice_key);
  ApiClient bob(server.port(), NewUserKey(data, "bob"));
  ApiClient admin(server.port(), server.admin_key());

  const std::string target = "flite-slt-f0x1.2";
  const ConsentReading consent = ReadConsent(alice, target, kSpeakerName, audio::Format::kFlac);
  auto created =
      Upload(alice, "/v1/voice/create",
             {{"name", "Jane"},
              {"speaker_name", kSpeakerName},
              {"files", Encode(Speak(target, voice::testing::EvaluationSentences())), "jane.wav"},
              {"consent_audio", consent.audio, "consent.flac"},
              {"challenge_id", consent.challenge_id}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 202) << created->body;
  const std::string id = created->JsonBody()["voice_id"];
  const json made = alice.WaitForVoice(id);
  ASSERT_EQ(made["status"], "ready") << made.dump() << "\nstatement read: " << consent.statement;
  EXPECT_GE(BlobsUnder(data, "voices/" + id), 2u);  // sample and consent recording (+ sidecars)

  // Spoken once (its audio becomes the cache entry), then answered from the cache.
  const json hello = {{"text", "Hello from Jane."}, {"voice_id", id}};
  const std::string spoken = Submitted(alice, hello);
  ASSERT_EQ(alice.WaitForFinal(spoken)["status"], "done");
  auto hit = alice.Submit(hello);
  ASSERT_TRUE(hit && hit->status == 202);
  // Watermarks on: a worker finishes the hit (its own marked copy of the cached master).
  EXPECT_EQ(alice.WaitForFinal(hit->JsonBody()["job_id"])["cache_hit"], true) << hit->body;
  EXPECT_GE(JobBlobs(data, spoken), 1u);

  // A long job running in the voice, and one queued behind it (one worker).
  std::string long_text;
  for (int i = 0; i < 60; ++i) long_text += "Sentence number " + std::to_string(i) + " goes on. ";
  const std::string running = Submitted(alice, {{"text", long_text}, {"voice_id", id}});
  std::string status;
  for (int i = 0; i < 600 && status != "inference"; ++i) {
    status = alice.Call("GET", "/v1/tts/job/" + running)->JsonBody().value("status", "");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(status, "inference");
  const std::string queued = Submitted(alice, {{"text", "Queued behind."}, {"voice_id", id}});

  // Nobody else sees it to revoke; an admin may.
  const std::string revoke = "/v1/voices/" + id + "/revoke-consent";
  EXPECT_EQ(bob.Call("POST", revoke)->status, 404);
  auto revoked = admin.Call("POST", revoke);
  ASSERT_EQ(revoked->status, 200) << revoked->body;
  const json state = revoked->JsonBody();
  EXPECT_EQ(state["status"], "revoked");
  EXPECT_FALSE(state.contains("consent")) << state.dump();
  EXPECT_EQ(state["revocation"]["via"], "api");

  // Both jobs fail with the reason; the running one stopped (no audio of it).
  for (const std::string& job_id : {running, queued}) {
    const json job = alice.WaitForFinal(job_id, std::chrono::seconds(30));
    EXPECT_EQ(job["status"], "failed") << job.dump();
    EXPECT_NE(job["error"]["message"].get<std::string>().find("consent revoked"), std::string::npos)
        << job.dump();
  }
  // The worker is free again: a built-in voice's job is done (job ended, no upload after).
  EXPECT_EQ(alice.WaitForFinal(Submitted(alice, {{"text", "Still here."}}))["status"], "done");
  EXPECT_EQ(JobBlobs(data, running), 0u);

  // New jobs and streams in it are refused with the reason.
  for (const char* route : {"/v1/tts/synthesize", "/v1/tts/stream"}) {
    auto refused = alice.Call("POST", route, hello.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(refused->status, 422) << route;
    EXPECT_NE(refused->body.find("consent revoked"), std::string::npos) << route << refused->body;
  }

  // Nothing of it remains: recordings, audio, cache entries, embedding.
  EXPECT_EQ(BlobsUnder(data, "voices/" + id), 0u);
  EXPECT_EQ(JobBlobs(data, spoken), 0u);
  auto store = store::OpenStore("sqlite://" + (data / "vox.db").string());
  ASSERT_TRUE(store) << store.error().ToString();
  auto row = (*store)->GetVoice(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, store::VoiceStatus::kRevoked);
  EXPECT_EQ(row->metadata.find("embedding"), std::string::npos) << row->metadata;
  EXPECT_EQ(row->metadata.find("consent"), std::string::npos) << row->metadata;
  auto spoken_job = (*store)->GetJob(spoken);
  ASSERT_TRUE(spoken_job);
  ASSERT_FALSE(spoken_job->cache_key.empty());
  auto entry = (*store)->GetCacheEntry(spoken_job->cache_key);
  ASSERT_TRUE(entry);
  EXPECT_FALSE(entry->has_value()) << "the cache entry is gone";
  store::AuditQuery query;
  query.target_id = id;
  auto audit = (*store)->ListAudit(query);
  ASSERT_TRUE(audit) << audit.error().ToString();
  int revocations = 0;
  for (const auto& e : *audit) {
    if (e.action != "voice.revoke_consent") continue;
    ++revocations;
    EXPECT_FALSE(e.actor_user_id.value_or("").empty()) << "who revoked it";
    EXPECT_GT(e.at, 0) << "and when";
  }
  EXPECT_EQ(revocations, 1);

  // Again (the owner, then the CLI): the same state, and no second record.
  auto again = alice.Call("POST", revoke);
  ASSERT_EQ(again->status, 200);
  EXPECT_EQ(again->JsonBody(), state);
  auto cli = RunVox({"voices", "revoke", "--data", data.string(), id});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(json::parse(cli.out)["already_revoked"], true) << cli.out;
  EXPECT_EQ(RunVox({"voices", "revoke", "--data", data.string(), "flite-slt"}).exit_code, 1);

  // ElevenLabs clients do not see it; deleting it still works.
  auto listed = alice.http().Request("GET", "/v1/voices", "", {{"xi-api-key", alice_key}});
  ASSERT_TRUE(listed && listed->status == 200);
  const json eleven = listed->JsonBody();
  for (const json& v : eleven["voices"]) EXPECT_NE(v["voice_id"], id) << listed->body;
  EXPECT_EQ(alice.Call("DELETE", "/v1/voices/" + id)->status, 204);
  EXPECT_EQ(alice.Call("GET", "/v1/voices/" + id)->JsonBody()["status"], "deleted");
  EXPECT_EQ(server.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
