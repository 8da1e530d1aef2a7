// Voice cloning end to end: the real `vox serve` over loopback HTTP and the
// real `vox clone` / `vox synth` / `vox protected`, with recordings of test
// speakers (voice/testing/test_corpus.h; cached under the build tree). Uploads
// are accepted at once (202) and made by a worker: every refusal is checked to
// leave a rejected voice with its reason and no recording behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "audio/decode.h"
#include "common/uuid.h"
#include "support/api_client.h"
#include "support/clone_upload.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kTarget = "flite-slt-f0x1.2";
const char* kSpeakerName = "Jane Doe";

class CloneE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->path() / "data",
                                {"--workers", "1", "--max-upload-bytes", "4000000"});
    ASSERT_TRUE(server_->Start()) << server_->output();
    samples_ = new std::string(Encode(Speak(kTarget, voice::testing::EvaluationSentences())));
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
    delete samples_;
  }

  static fs::path DataDir() { return dir_->path() / "data"; }

  // A new user's key, made with the CLI while the server runs.
  static std::string NewUserKey(const std::string& name) {
    auto created = RunVox({"keys", "create", "--data", DataDir().string(), "--name", name});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return created.out.substr(0, created.out.find('\n'));
  }

  static std::vector<Part> PartsWith(const ConsentReading& consent) {
    return {{"name", "Jane's voice"},
            {"speaker_name", kSpeakerName},
            {"labels", "narration, test"},
            {"files", *samples_, "jane.wav"},
            {"consent_audio", consent.audio, "consent.flac"},
            {"challenge_id", consent.challenge_id}};
  }
  // An upload the API accepts once: the speaker read a statement with a fresh challenge.
  static std::vector<Part> GoodParts(ApiClient& api) {
    return PartsWith(ReadConsent(api, kTarget, kSpeakerName, audio::Format::kFlac));
  }

  // Blobs of voices (data/blobs/voices/<id>/...).
  static std::set<std::string> VoiceBlobDirs() {
    std::set<std::string> out;
    fs::path root = DataDir() / "blobs" / "voices";
    if (!fs::exists(root)) return out;
    for (const auto& e : fs::directory_iterator(root)) {
      if (!fs::is_empty(e.path())) out.insert(e.path().filename().string());
    }
    return out;
  }

  // Recordings staged for voice creations (data/blobs/uploads/<voice id>/...):
  // none once every creation has ended.
  static size_t StagedUploads() {
    size_t files = 0;
    fs::path root = DataDir() / "blobs" / "uploads";
    if (!fs::exists(root)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) files += e.is_regular_file();
    return files;
  }

  // Uploads, expects 202 with a processing voice, and waits for its end.
  static json CreateAndWait(ApiClient& api, const std::vector<Part>& parts) {
    auto accepted = Upload(api, "/v1/voice/create", parts);
    EXPECT_TRUE(accepted);
    if (!accepted) return json();
    EXPECT_EQ(accepted->status, 202) << accepted->body;
    if (accepted->status != 202) return accepted->JsonBody();
    const json body = accepted->JsonBody();
    EXPECT_EQ(body["status"], "processing") << body.dump();
    EXPECT_EQ(accepted->headers.Get("Location").value_or(""),
              "/v1/voices/" + body["voice_id"].get<std::string>());
    return api.WaitForVoice(body["voice_id"]);
  }

  static std::vector<json> Clones(ApiClient& api) {
    std::vector<json> out;
    auto r = api.Call("GET", "/v1/voices");
    EXPECT_EQ(r->status, 200);
    const json body = r->JsonBody();  // range-for would not keep a temporary alive
    for (const auto& v : body["voices"]) {
      if (v["kind"] == "clone") out.push_back(v);
    }
    return out;
  }

  static inline TempDir* dir_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  static inline std::string* samples_ = nullptr;
};

TEST_F(CloneE2E, UploadSynthesizeInTheCloneAndDelete) {
  ApiClient alice(server_->port(), NewUserKey("alice"));
  auto statement = alice.Call("GET", "/v1/voice/consent-statement?name=Jane%20Doe");
  ASSERT_EQ(statement->status, 200);
  const json issued = statement->JsonBody();
  // The statement ends with a one-time challenge of six digit words, valid for minutes.
  const std::string challenge = issued["challenge"];
  EXPECT_EQ(issued["statement"], *voice::ConsentStatement(kSpeakerName, "Vox", challenge));
  EXPECT_EQ(std::ranges::count(challenge, ' '), 5) << challenge;
  EXPECT_TRUE(issued["challenge_id"].get<std::string>().starts_with("chl_")) << issued.dump();
  EXPECT_TRUE(issued.contains("expires_at")) << issued.dump();
  // Another request, another challenge.
  EXPECT_NE(
      alice.Call("GET", "/v1/voice/consent-statement?name=Jane%20Doe")->JsonBody()["challenge_id"],
      issued["challenge_id"]);

  ConsentReading reading;
  reading.challenge_id = issued["challenge_id"];
  reading.statement = issued["statement"];
  reading.audio = Encode(Speak(kTarget, {reading.statement}), audio::Format::kFlac);
  auto created = Upload(alice, "/v1/voice/create", PartsWith(reading));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 202) << created->body;
  const std::string id = created->JsonBody()["voice_id"];
  const std::string job_id = created->JsonBody()["job_id"];
  EXPECT_EQ(created->JsonBody()["status"], "processing");
  const json voice = alice.WaitForVoice(id);
  ASSERT_EQ(voice["status"], "ready") << voice.dump();
  EXPECT_EQ(voice["job_id"], job_id);
  // The creation is a job like any other: its stages and their timings.
  json creation = alice.WaitForFinal(job_id);
  EXPECT_EQ(creation["kind"], "voice_creation") << creation.dump();
  EXPECT_EQ(creation["status"], "done");
  EXPECT_EQ(creation["voice_id"], id);
  for (const char* stage :
       {"queued", "picked", "preprocessing", "inference", "vocoding", "uploading"}) {
    EXPECT_TRUE(creation["timings_ms"].contains(stage)) << stage << ": " << creation.dump();
  }
  EXPECT_EQ(StagedUploads(), 0u) << "the uploaded recordings are not kept";
  EXPECT_EQ(voice["labels"], json::array({"narration", "test"}));
  EXPECT_FALSE(voice.contains("embedding")) << "the embedding is never shown";
  EXPECT_LT(voice["consent"]["wer"].get<double>(), 0.5);

  auto fetched = alice.Call("GET", "/v1/voices/" + id);
  ASSERT_EQ(fetched->status, 200);
  EXPECT_EQ(fetched->JsonBody()["status"], "ready");
  ASSERT_EQ(Clones(alice).size(), 1u);
  EXPECT_EQ(VoiceBlobDirs().count(id), 1u);
  // The consent recording (and everything of the voice) is the server's alone: 0600 files.
  for (const auto& e : fs::recursive_directory_iterator(DataDir() / "blobs" / "voices" / id)) {
    if (!e.is_regular_file()) continue;
    EXPECT_EQ(e.status().permissions() & (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none)
        << e.path();
  }

  // A job in the clone, like any voice; its output's similarity is recorded.
  auto submitted = alice.Submit({{"text",
                                  "The quick brown fox jumps over the lazy dog. "
                                  "A journey of a thousand miles begins with one step."},
                                 {"voice_id", id}});
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  json job = alice.WaitForFinal(submitted->JsonBody()["job_id"]);
  ASSERT_EQ(job["status"], "done") << job.dump();
  EXPECT_EQ(job["voice_id"], id);
  ASSERT_TRUE(job.contains("voice_similarity")) << job.dump();
  EXPECT_GT(job["voice_similarity"].get<double>(), 0.5);

  // Another user neither sees nor uses it.
  ApiClient bob(server_->port(), NewUserKey("bob"));
  EXPECT_EQ(bob.Call("GET", "/v1/voices/" + id)->status, 404);
  EXPECT_TRUE(Clones(bob).empty());
  auto foreign = bob.Submit({{"text", "Hello."}, {"voice_id", id}});
  EXPECT_EQ(foreign->status, 422);
  EXPECT_EQ(foreign->JsonBody()["error"]["field"], "voice_id");
  EXPECT_EQ(bob.Call("DELETE", "/v1/voices/" + id)->status, 404);

  // Deletion: blobs gone, id unusable, the record says deleted.
  EXPECT_EQ(alice.Call("DELETE", "/v1/voices/" + id)->status, 204);
  EXPECT_EQ(VoiceBlobDirs().count(id), 0u);
  auto after = alice.Call("GET", "/v1/voices/" + id);
  ASSERT_EQ(after->status, 200);
  EXPECT_EQ(after->JsonBody()["status"], "deleted");
  EXPECT_FALSE(after->JsonBody().contains("consent"));
  auto refused = alice.Submit({{"text", "Hello again."}, {"voice_id", id}});
  EXPECT_EQ(refused->status, 422);
  EXPECT_TRUE(Clones(alice).empty());
  EXPECT_EQ(alice.Call("DELETE", "/v1/voices/flite-slt")->status, 403);

  ApiClient anonymous(server_->port(), "");
  auto metrics = anonymous.Call("GET", "/metrics");
  EXPECT_NE(metrics->body.find("vox_voice_creations_total{outcome=\"accepted\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("vox_voice_creations_finished_total{outcome=\"ready\"}"),
            std::string::npos);
  auto ready = anonymous.Call("GET", "/readyz");
  EXPECT_EQ(ready->JsonBody()["checks"]["cloning"], "ok") << ready->body;
}

TEST_F(CloneE2E, WithoutTheSpeechModelCloningIsOffAndTheRestServes) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--asr-model-dir", "/nonexistent/model"});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());
  auto ready = api.Call("GET", "/readyz");
  ASSERT_EQ(ready->status, 200) << ready->body;
  EXPECT_NE(ready->JsonBody()["checks"]["cloning"].get<std::string>().find("VOX_ASR_MODEL_DIR"),
            std::string::npos)
      << ready->body;
  auto refused = Upload(api, "/v1/voice/create",
                        PartsWith({"chl_none", "", Encode(Speak(kTarget, {"Hello."}))}));
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(api.Submit({{"text", "Still speaking."}})->status, 202);
  EXPECT_EQ(server.Terminate(), 0);
}

// What browsers (MediaRecorder: WebM/Opus) and phones (M4A/AAC) record, made
// from the same speech with the ffmpeg CLI.
std::string Transcode(const std::string& wav, const std::string& ext, const std::string& codec) {
  TempDir dir;
  const fs::path in = dir.path() / "in.wav", out = dir.path() / ("out." + ext);
  std::ofstream(in, std::ios::binary) << wav;
  const std::string command = "ffmpeg -hide_banner -loglevel error -y -i '" + in.string() +
                              "' -c:a " + codec + " '" + out.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0)
      << command << " (scripts/install-deps.sh installs ffmpeg)";
  std::ifstream file(out, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

TEST_F(CloneE2E, PhoneAndBrowserRecordingsAreAccepted) {
  ApiClient erin(server_->port(), NewUserKey("erin"));
  const std::string m4a = Transcode(*samples_, "m4a", "aac");
  const ConsentReading consent = ReadConsent(erin, kTarget, kSpeakerName);
  const std::string webm = Transcode(consent.audio, "webm", "libopus");
  ASSERT_FALSE(m4a.empty() || webm.empty());
  json voice = CreateAndWait(erin, {{"name", "from a phone"},
                                    {"speaker_name", kSpeakerName},
                                    {"files", m4a, "memo.m4a"},
                                    {"consent_audio", webm, "consent.webm"},
                                    {"challenge_id", consent.challenge_id}});
  EXPECT_EQ(voice["status"], "ready") << voice.dump();
}

TEST_F(CloneE2E, BadUploadsAreClearErrorsAndLeaveNothing) {
  ApiClient carol(server_->port(), NewUserKey("carol"));
  const auto blobs_before = VoiceBlobDirs();
  auto with = [](std::vector<Part> parts, const std::string& name, std::string content,
                 std::string filename = "x.wav") {
    std::erase_if(parts, [&](const Part& p) { return p.name == name; });
    parts.push_back({name, std::move(content), std::move(filename)});
    return parts;
  };
  auto without = [](std::vector<Part> parts, const std::string& name) {
    std::erase_if(parts, [&](const Part& p) { return p.name == name; });
    return parts;
  };
  const std::string sixteen_channels = RawWav(16, 16000, 16000 * 3);
  const std::string one_hz = RawWav(1, 1, 20);
  const std::string ten_mhz = RawWav(1, 10'000'000, 100'000);
  std::string claims_hours = RawWav(1, 16000, 16000);  // 1 s of data, a header saying 37 h
  claims_hours.replace(40, 4, std::string("\xF0\xFF\xFF\xFF", 4));
  // Each upload reads its own fresh challenge (GoodParts), as a client would.
  const ConsentReading for_rms = ReadConsent(carol, kTarget, kSpeakerName);
  std::vector<Part> other_voice = PartsWith(for_rms);
  other_voice = with(other_voice, "consent_audio", Encode(Speak("flite-rms", {for_rms.statement})));

  struct Case {
    std::string what;
    std::vector<Part> parts;
    std::string field;
  };
  // Malformed requests are refused at once (400), and nothing is stored.
  const std::vector<Case> refused = {
      {"no files", without(GoodParts(carol), "files"), "files"},
      {"no consent", without(GoodParts(carol), "consent_audio"), "consent_audio"},
      {"no name", without(GoodParts(carol), "name"), "name"},
      {"unknown field", with(GoodParts(carol), "consent_audo", "x", ""), "consent_audo"},
      {"zero-length file", with(GoodParts(carol), "files", ""), "files"},
      {"hostile speaker name",
       with(GoodParts(carol), "speaker_name", "<script>alert(1)</script>", ""), "speaker_name"},
  };
  for (const auto& c : refused) {
    auto r = Upload(carol, "/v1/voice/create", c.parts);
    ASSERT_TRUE(r) << c.what;
    EXPECT_EQ(r->status, 400) << c.what << ": " << r->body;
    EXPECT_EQ(r->JsonBody()["error"]["field"], c.field) << c.what << ": " << r->body;
  }
  EXPECT_TRUE(Clones(carol).empty());
  // Audio a worker cannot clone: accepted, then rejected with the reason (in
  // the API's error terms); the recordings are not kept.
  const std::vector<Case> rejected = {
      {"corrupt file", with(GoodParts(carol), "files", std::string(5000, '\x07')), "files"},
      {"truncated file", with(GoodParts(carol), "files", samples_->substr(0, 3000)), "files"},
      {"1 Hz", with(GoodParts(carol), "files", one_hz), "files"},
      {"10 MHz", with(GoodParts(carol), "files", ten_mhz), "files"},
      {"header claiming hours", with(GoodParts(carol), "files", claims_hours), "files"},
      {"16 channels", with(GoodParts(carol), "files", sixteen_channels), "files"},
      {"silence",
       with(GoodParts(carol), "files",
            Encode(audio::PcmBuffer{16000, 1, std::vector<float>(16000 * 15, 0.f)})),
       "files"},
      {"consent in another voice", other_voice, "consent_audio"},
  };
  for (const auto& c : rejected) {
    const json voice = CreateAndWait(carol, c.parts);
    EXPECT_EQ(voice["status"], "rejected") << c.what << ": " << voice.dump();
    EXPECT_EQ(voice["rejection"]["code"], "unprocessable") << c.what << ": " << voice.dump();
    EXPECT_EQ(voice["rejection"]["field"], c.field) << c.what << ": " << voice.dump();
    EXPECT_FALSE(voice["rejection"]["message"].get<std::string>().empty()) << c.what;
    EXPECT_FALSE(voice.contains("consent")) << "nothing learned from a refused voice is kept";
    auto job = carol.WaitForFinal(voice["job_id"]);
    EXPECT_EQ(job["status"], "failed") << c.what << ": " << job.dump();
    auto speak = carol.Submit({{"text", "Hello."}, {"voice_id", voice["voice_id"]}});
    EXPECT_EQ(speak->status, 422) << c.what << ": a rejected voice never speaks";
  }
  // Not multipart at all, and a body over the upload limit.
  auto json_body =
      carol.Call("POST", "/v1/voice/create", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(json_body->status, 415);
  auto huge = Upload(carol, "/v1/voice/create",
                     with(GoodParts(carol), "files", std::string(4'100'000, 'a')));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);

  for (const json& clone : Clones(carol)) EXPECT_EQ(clone["status"], "rejected") << clone.dump();
  EXPECT_EQ(VoiceBlobDirs(), blobs_before);
  EXPECT_EQ(StagedUploads(), 0u);
}

TEST_F(CloneE2E, ConcurrentUploadsQueueAndOneUserRunsOneAtATime) {
  // Two worker threads, but VOX_CLONE_USER_CONCURRENCY (default 1): both
  // uploads are accepted at once, and they run one after the other.
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--workers", "2"});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());
  std::vector<std::string> voices, jobs;
  for (int i = 0; i < 2; ++i) {
    auto accepted = Upload(api, "/v1/voice/create", GoodParts(api));
    ASSERT_TRUE(accepted);
    ASSERT_EQ(accepted->status, 202) << accepted->body;
    voices.push_back(accepted->JsonBody()["voice_id"]);
    jobs.push_back(accepted->JsonBody()["job_id"]);
  }
  auto running = [](const json& job) {
    const std::string status = job.value("status", "");
    return status == "preprocessing" || status == "inference" || status == "vocoding" ||
           status == "uploading";
  };
  int overlaps = 0, samples = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (std::chrono::steady_clock::now() < deadline) {
    const json a = api.Call("GET", "/v1/tts/job/" + jobs[0])->JsonBody();
    const json b = api.Call("GET", "/v1/tts/job/" + jobs[1])->JsonBody();
    ++samples;
    overlaps += running(a) && running(b);
    auto ended = [](const json& j) {
      return j.value("status", "") == "done" || j.value("status", "") == "failed";
    };
    if (ended(a) && ended(b)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(overlaps, 0) << "of " << samples << " samples";
  for (const auto& id : voices) EXPECT_EQ(api.WaitForVoice(id)["status"], "ready");
  EXPECT_EQ(server.Terminate(), 0);
}

TEST_F(CloneE2E, ACreationSurvivesAKilledServer) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  auto first = std::make_unique<ServerProcess>(data);
  ASSERT_TRUE(first->Start()) << first->output();
  const std::string key = first->admin_key();
  ApiClient api(first->port(), key);
  auto accepted = Upload(api, "/v1/voice/create", GoodParts(api));
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 202) << accepted->body;
  const std::string voice_id = accepted->JsonBody()["voice_id"];
  const std::string job_id = accepted->JsonBody()["job_id"];
  // Killed while a worker is making the voice.
  std::string status;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    status = api.Call("GET", "/v1/tts/job/" + job_id)->JsonBody().value("status", "");
    if (status == "preprocessing" || status == "inference" || status == "vocoding") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(status == "preprocessing" || status == "inference" || status == "vocoding") << status;
  first->Kill();
  first.reset();

  ServerProcess second(data);
  ASSERT_TRUE(second.Start()) << second.output();
  ApiClient again(second.port(), key);
  const json voice = again.WaitForVoice(voice_id);
  EXPECT_EQ(voice["status"], "ready") << voice.dump();
  const json job = again.WaitForFinal(job_id);
  EXPECT_EQ(job["status"], "done") << job.dump();
  EXPECT_GE(job["attempts"].get<int>(), 2) << job.dump();
  auto spoken = again.Submit({{"text", "Made across a crash."}, {"voice_id", voice_id}});
  ASSERT_EQ(spoken->status, 202) << spoken->body;
  EXPECT_EQ(again.WaitForFinal(spoken->JsonBody()["job_id"])["status"], "done");
  EXPECT_EQ(second.Terminate(), 0);
}

TEST_F(CloneE2E, ProtectedVoicesAreRefusedAndOnlyAdminsManageTheList) {
  ApiClient admin(server_->port(), server_->admin_key());
  ApiClient dave(server_->port(), NewUserKey("dave"));
  const std::vector<Part> enrol = {
      {"name", "A Famous Person"},
      {"files", Encode(Speak(kTarget, voice::testing::BackgroundSentences())), "famous.wav"}};
  EXPECT_EQ(Upload(dave, "/v1/admin/protected-voices", enrol)->status, 403);
  auto added = Upload(admin, "/v1/admin/protected-voices", enrol);
  ASSERT_EQ(added->status, 201) << added->body;
  const std::string protected_id = added->JsonBody()["id"];
  auto listed = admin.Call("GET", "/v1/admin/protected-voices");
  ASSERT_EQ(listed->status, 200);
  EXPECT_EQ(listed->JsonBody()["protected_voices"].size(), 1u);

  const json refused = CreateAndWait(dave, GoodParts(dave));
  EXPECT_EQ(refused["status"], "rejected") << refused.dump();
  EXPECT_EQ(refused["rejection"]["code"], "permission_denied") << refused.dump();
  EXPECT_EQ(refused["rejection"]["field"], "files");
  EXPECT_NE(refused["rejection"]["message"].get<std::string>().find("protected"),
            std::string::npos);
  EXPECT_EQ(StagedUploads(), 0u);

  EXPECT_EQ(dave.Call("DELETE", "/v1/admin/protected-voices/" + protected_id)->status, 403);
  EXPECT_EQ(admin.Call("DELETE", "/v1/admin/protected-voices/" + protected_id)->status, 204);
  EXPECT_EQ(admin.Call("DELETE", "/v1/admin/protected-voices/" + protected_id)->status, 404);
}

// The consent challenge through the API: single use, bound to its caller, and a recording is
// used once whoever sends it. Each refusal is an error in the API's shape and leaves nothing.
TEST_F(CloneE2E, ChallengesAreSingleUseBoundToTheCallerAndRecordingsAreNotReplayed) {
  ApiClient frank(server_->port(), NewUserKey("frank"));
  ApiClient grace(server_->port(), NewUserKey("grace"));
  const ConsentReading first = ReadConsent(frank, kTarget, kSpeakerName, audio::Format::kFlac);
  auto accepted = Upload(frank, "/v1/voice/create", PartsWith(first));
  ASSERT_EQ(accepted->status, 202) << accepted->body;
  const std::string voice_id = accepted->JsonBody()["voice_id"];

  auto expect_refused = [](const Result<http::ClientResponse>& r, int status,
                           const std::string& code, const std::string& field,
                           const std::string& says) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    const json error = r->JsonBody()["error"];
    EXPECT_EQ(error["code"], code) << r->body;
    EXPECT_EQ(error["field"], field) << r->body;
    EXPECT_NE(error["message"].get<std::string>().find(says), std::string::npos) << r->body;
  };
  // The spent challenge, with a new reading of another: refused.
  ConsentReading reused = ReadConsent(frank, kTarget, kSpeakerName, audio::Format::kFlac);
  const std::string unspent = reused.challenge_id;
  reused.challenge_id = first.challenge_id;
  expect_refused(Upload(frank, "/v1/voice/create", PartsWith(reused)), 409, "failed_precondition",
                 "challenge_id", "already used");
  // The first recording again, with a fresh challenge: a replay.
  ConsentReading replay = reused;
  replay.challenge_id = unspent;
  replay.audio = first.audio;
  expect_refused(Upload(frank, "/v1/voice/create", PartsWith(replay)), 409, "already_exists",
                 "consent_audio", "already used");
  // Frank's unspent challenge, from grace: not hers.
  ConsentReading foreign = reused;
  foreign.challenge_id = unspent;
  expect_refused(Upload(grace, "/v1/voice/create", PartsWith(foreign)), 404, "not_found",
                 "challenge_id", "was issued to you");
  // The first recording from grace with a challenge of her own: still a replay.
  ConsentReading graces = ReadConsent(grace, kTarget, kSpeakerName, audio::Format::kFlac);
  graces.audio = first.audio;
  expect_refused(Upload(grace, "/v1/voice/create", PartsWith(graces)), 409, "already_exists",
                 "consent_audio", "already used");
  // No challenge at all.
  std::vector<Part> bare = PartsWith(first);
  std::erase_if(bare, [](const Part& p) { return p.name == "challenge_id"; });
  expect_refused(Upload(frank, "/v1/voice/create", bare), 400, "invalid_argument", "challenge_id",
                 "challenge_id is required");

  EXPECT_EQ(frank.WaitForVoice(voice_id)["status"], "ready");
  EXPECT_EQ(Clones(frank).size(), 1u);
  EXPECT_TRUE(Clones(grace).empty());
  EXPECT_EQ(StagedUploads(), 0u);
  // The unspent challenges still serve their own user with a new reading.
  ConsentReading fresh = reused;
  fresh.challenge_id = unspent;
  const json made = CreateAndWait(frank, PartsWith(fresh));
  EXPECT_EQ(made["status"], "ready") << made.dump();
}

// Vox's own output is not a person's consent: a job's (watermarked) audio of the statement
// with its challenge, uploaded as the consent recording, is rejected for the watermark.
TEST_F(CloneE2E, VoxOutputIsRefusedAsAConsentRecording) {
  ApiClient heidi(server_->port(), NewUserKey("heidi"));
  ConsentReading consent = ReadConsent(heidi, kTarget, kSpeakerName);
  auto spoken =
      heidi.Submit({{"text", consent.statement}, {"voice_id", "flite-slt"}, {"format", "wav"}});
  ASSERT_EQ(spoken->status, 202) << spoken->body;
  const json job = heidi.WaitForFinal(spoken->JsonBody()["job_id"]);
  ASSERT_EQ(job["status"], "done") << job.dump();
  auto audio = ApiClient(server_->port(), "").Call("GET", job.value("audio_url", ""));
  ASSERT_EQ(audio->status, 200);
  consent.audio = audio->body;
  const json voice = CreateAndWait(heidi, PartsWith(consent));
  EXPECT_EQ(voice["status"], "rejected") << voice.dump();
  EXPECT_EQ(voice["rejection"]["code"], "unprocessable") << voice.dump();
  EXPECT_EQ(voice["rejection"]["field"], "consent_audio") << voice.dump();
  EXPECT_NE(voice["rejection"]["message"].get<std::string>().find("watermark"), std::string::npos)
      << voice.dump();
  EXPECT_EQ(StagedUploads(), 0u);
}

TEST_F(CloneE2E, CliClonesOfflineAndSynthesizesInTheClone) {
  TempDir cli;
  const fs::path data = cli.path() / "data";
  const fs::path samples = cli.path() / "jane.wav";
  std::ofstream(samples, std::ios::binary) << *samples_;
  // `vox consent-statement` issues a challenge in the data directory for the local user; the
  // speaker reads the statement, and `vox clone --challenge-id` spends it.
  int readings = 0;
  auto consent = [&]() -> std::vector<std::string> {
    auto issued = RunVox({"consent-statement", "--data", data.string(), "--json", kSpeakerName});
    EXPECT_EQ(issued.exit_code, 0) << issued.err;
    const json j = json::parse(issued.out, nullptr, false);
    if (!j.is_object()) return {};
    const fs::path path = cli.path() / ("consent-" + std::to_string(++readings) + ".flac");
    std::ofstream(path, std::ios::binary)
        << Encode(Speak(kTarget, {j["statement"].get<std::string>()}), audio::Format::kFlac);
    return {"--consent", path.string(), "--challenge-id", j["challenge_id"].get<std::string>()};
  };
  auto clone = [&](std::vector<std::string> args) {
    for (auto& a : consent()) args.push_back(a);
    return RunVox(args);
  };
  // Plain text: the statement on stdout, the challenge's id on stderr.
  auto plain = RunVox({"consent-statement", "--data", data.string(), kSpeakerName});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(plain.out.starts_with("I, Jane Doe, agree that")) << plain.out;
  EXPECT_NE(plain.out.find("My code is "), std::string::npos) << plain.out;
  EXPECT_NE(plain.err.find("challenge id chl_"), std::string::npos) << plain.err;

  auto made = clone({"clone", "--data", data.string(), "--name", "jane", "--speaker-name",
                     kSpeakerName, samples.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  // The id alone on stdout, for scripts; the whole voice with --json.
  ASSERT_TRUE(made.out.ends_with("\n")) << made.out;
  const std::string id = made.out.substr(0, made.out.size() - 1);
  EXPECT_TRUE(IsUuid(id)) << made.out;
  auto described = clone({"clone", "--data", data.string(), "--name", "jane2", "--speaker-name",
                          kSpeakerName, "--json", samples.string()});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  const json voice = json::parse(described.out);
  EXPECT_EQ(voice["status"], "ready");
  EXPECT_EQ(voice["name"], "jane2");
  EXPECT_TRUE(IsUuid(voice["voice_id"].get<std::string>()));
  EXPECT_NE(voice["voice_id"], id);

  const fs::path out = cli.path() / "hello.wav";
  auto synth = RunVox({"synth", "--data", data.string(), "--voice", id, "--text",
                       "Hello from a cloned voice.", "--out", out.string()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto pcm = audio::DecodeFile(out.string());
  ASSERT_TRUE(pcm) << pcm.error().ToString();
  EXPECT_GT(pcm->duration_s(), 1.0);

  // The protected list, from the CLI: the same speaker is then refused (exit 1).
  const fs::path famous = cli.path() / "famous.wav";
  std::ofstream(famous, std::ios::binary)
      << Encode(Speak(kTarget, voice::testing::BackgroundSentences()));
  auto added =
      RunVox({"protected", "add", "--data", data.string(), "A Famous Person", famous.string()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto refused = clone({"clone", "--data", data.string(), "--name", "again", "--speaker-name",
                        kSpeakerName, samples.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("protected voice"), std::string::npos) << refused.err;

  auto unknown =
      RunVox({"synth", "--data", data.string(), "--voice", "5b0f3e1c-8a55-4b0e-9f1e-2a3b4c5d6e7f",
              "--text", "Hi.", "--out", out.string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--voice"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace vox::testing
