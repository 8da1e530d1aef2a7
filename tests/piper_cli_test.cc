// `vox phonemize` and `vox models` as a user runs them, on hand-written Piper
// voice configs beside placeholder .onnx files (neither command loads a graph);
// `vox models add` proves a graph runs, so it gets a real (generated) one.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/decode.h"
#include "common/crypto.h"
#include "http/testing/test_server.h"
#include "piper/testing/espeak_cli.h"
#include "piper/testing/test_voice.h"
#include "support/api_client.h"
#include "support/piper_voices.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// MinimalConfig with ids for every symbol espeak's en-us IPA uses here.
json EnglishVoice() {
  json config = piper::testing::MinimalConfig();
  piper::testing::AddSymbols(config, U"abcdefghijklmnopqrstuvwxyzæðŋɐɑɔəɚɛɜɡɪɹɾʃʊʌʒʔˈˌːθᵻ", 20);
  return config;
}

std::vector<std::string> EspeakCli(const std::string& text) {
  return piper::testing::EspeakCommandLine("en-us", text);
}

TEST(PiperCliPhonemize, PrintsSentencesWithPhonemesAndIdsAsJson) {
  TempDir dir;
  piper::testing::WriteVoice(dir.path(), "en_US-test-medium", EnglishVoice());
  auto r = RunVox({"phonemize", "--models", dir.path().string(), "--voice",
                   "piper-en_US-test-medium", "--text", "Hello, world. How are you?", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // every phoneme has ids: no warning
  const json out = json::parse(r.out);
  ASSERT_EQ(out["sentences"].size(), 2u);
  const auto cli = EspeakCli("Hello, world. How are you?");
  ASSERT_EQ(cli.size(), 3u);
  EXPECT_EQ(out["sentences"][0]["text"], "Hello, world.");
  EXPECT_EQ(out["sentences"][0]["phonemes"], cli[0] + ", " + cli[1] + ".");
  EXPECT_EQ(out["sentences"][1]["text"], "How are you?");
  EXPECT_EQ(out["sentences"][1]["phonemes"], cli[2] + "?");
  for (const json& s : out["sentences"]) {
    const auto ids = s["ids"].get<std::vector<int64_t>>();
    ASSERT_GE(ids.size(), 3u);
    EXPECT_EQ(ids[0], 1);      // ^
    EXPECT_EQ(ids.back(), 2);  // $
    for (size_t i = 1; i + 1 < ids.size(); i += 2) EXPECT_EQ(ids[i], 0) << "pad at " << i;
  }
}

TEST(PiperCliPhonemize, ReadsTheModelDirectoryFromTheEnvironmentAndPrintsLines) {
  TempDir dir;
  piper::testing::WriteVoice(dir.path(), "voice", EnglishVoice());
  ::setenv("VOX_MODEL_DIR", dir.path().c_str(), 1);
  auto r = RunVox({"phonemize", "--voice", "piper-voice", "--text", "One. Two! Three"});
  ::unsetenv("VOX_MODEL_DIR");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_NE(r.out.find("# Two!"), std::string::npos) << r.out;
}

TEST(PiperCliPhonemize, WarnsOnceAboutPhonemesTheVoiceLacks) {
  TempDir dir;
  piper::testing::WriteVoice(dir.path(), "sparse", piper::testing::MinimalConfig());
  auto r = RunVox({"phonemize", "--models", dir.path().string(), "--voice", "piper-sparse",
                   "--text", "Hello. Hello. Hello.", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"h\" (U+0068) x3"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(r.out)["sentences"][0]["ids"], json({1, 0, 10, 0, 2}));
}

TEST(PiperCliPhonemize, BadInputNamesTheOptionAndExitsTwo) {
  TempDir dir;
  piper::testing::WriteVoice(dir.path(), "good", EnglishVoice());
  json broken = EnglishVoice();
  broken["audio"].erase("sample_rate");
  piper::testing::WriteVoice(dir.path(), "broken", broken);
  const std::string models = dir.path().string();
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"--models", models, "--voice", "piper-nobody", "--text", "hi"}, "--voice"},
      {{"--models", models, "--voice", "flite-slt", "--text", "hi"}, "--voice"},
      {{"--models", models, "--voice", "piper-../etc", "--text", "hi"}, "--voice"},
      {{"--models", models, "--voice", "piper-broken", "--text", "hi"}, "audio.sample_rate"},
      {{"--models", models, "--voice", "piper-good", "--text", " "}, "--text"},
      {{"--models", models, "--text", "hi"}, "--voice"},
      {{"--models", (dir.path() / "absent").string(), "--voice", "piper-good", "--text", "hi"},
       "--models"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"phonemize"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = RunVox(args);
    EXPECT_EQ(r.exit_code, 2) << c.expect << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

class PiperCliModels : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_.path() / "downloads";
    models_ = dir_.path() / "models";
    fs::create_directories(source_);
    json multi = EnglishVoice();
    multi["num_speakers"] = 2;
    multi["speaker_id_map"] = {{"amy", 0}, {"bob", 1}};
    multi["audio"]["quality"] = "high";
    multi["dataset"] = "vctk";
    piper::testing::WriteVoice(source_, "en_GB-multi-high", multi);
    // A random-weight Piper graph (tools/piper_gen): add loads and runs it.
    fs::copy_file(fs::path(VOX_PIPER_TESTDATA) / "vox-test-multi.onnx",
                  source_ / "en_GB-multi-high.onnx", fs::copy_options::overwrite_existing);
    std::ofstream(source_ / "en_GB-multi-high.MODEL_CARD") << "* License: CC BY 4.0\n";
    std::ifstream in(source_ / "en_GB-multi-high.onnx", std::ios::binary);
    sha_ = Sha256Hex(std::string(std::istreambuf_iterator<char>(in), {}));
  }
  CommandResult Models(std::vector<std::string> args) {
    args.insert(args.begin(), "models");
    args.insert(args.begin() + 2, {"--models", models_.string()});
    return RunVox(args);
  }

  TempDir dir_;
  fs::path source_, models_;
  std::string sha_;
};

TEST_F(PiperCliModels, AddListRemoveFromAFile) {
  auto added = Models({"add", (source_ / "en_GB-multi-high.onnx").string(), "--sha256", sha_});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("installed piper-en_GB-multi-high"), std::string::npos) << added.out;
  EXPECT_NE(added.out.find("dataset: vctk"), std::string::npos) << added.out;
  EXPECT_NE(added.out.find("license: CC BY 4.0"), std::string::npos) << added.out;

  auto listed = Models({"list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  for (const char* expected : {"piper-en_GB-multi-high ", "piper-en_GB-multi-high:amy",
                               "piper-en_GB-multi-high:bob", "en-US", "high", "22050"}) {
    EXPECT_NE(listed.out.find(expected), std::string::npos) << expected << "\n" << listed.out;
  }
  auto as_json = Models({"list", "--json"});
  ASSERT_EQ(as_json.exit_code, 0);
  EXPECT_EQ(json::parse(as_json.out)["voices"].size(), 3u);

  auto phonemes = RunVox({"phonemize", "--models", models_.string(), "--voice",
                          "piper-en_GB-multi-high:bob", "--text", "Hi."});
  EXPECT_EQ(phonemes.exit_code, 0) << phonemes.err;

  EXPECT_EQ(Models({"remove", "../downloads/en_GB-multi-high"}).exit_code, 2);
  EXPECT_TRUE(fs::exists(source_ / "en_GB-multi-high.onnx"));
  auto removed = Models({"remove", "en_GB-multi-high"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_TRUE(fs::is_empty(models_));
  EXPECT_EQ(Models({"remove", "en_GB-multi-high"}).exit_code, 2);
}

TEST_F(PiperCliModels, RefusesAGraphThatDoesNotRunAndInstallsNothing) {
  const fs::path broken = source_ / "broken.onnx";
  {
    std::ifstream in(source_ / "en_GB-multi-high.onnx", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(broken, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  fs::copy_file(source_ / "en_GB-multi-high.onnx.json", source_ / "broken.onnx.json");
  std::ifstream in(broken, std::ios::binary);
  const std::string sha = Sha256Hex(std::string(std::istreambuf_iterator<char>(in), {}));
  auto r = Models({"add", broken.string(), "--sha256", sha});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("broken.onnx"), std::string::npos) << r.err;
  EXPECT_TRUE(!fs::exists(models_) || fs::is_empty(models_));
}

TEST_F(PiperCliModels, RefusesAWrongHashAndInstallsNothing) {
  auto r = Models(
      {"add", (source_ / "en_GB-multi-high.onnx").string(), "--sha256", std::string(64, '0')});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--sha256"), std::string::npos) << r.err;
  EXPECT_TRUE(!fs::exists(models_) || fs::is_empty(models_));
  auto no_hash = Models({"add", (source_ / "en_GB-multi-high.onnx").string()});
  EXPECT_NE(no_hash.exit_code, 0);
  EXPECT_NE(no_hash.err.find("sha256"), std::string::npos) << no_hash.err;
}

TEST_F(PiperCliModels, AddsFromALoopbackUrlWithASha256Sidecar) {
  std::ofstream(source_ / "en_GB-multi-high.onnx.sha256") << sha_ << "  en_GB-multi-high.onnx\n";
  http::Router router;
  ASSERT_TRUE(router.Add("GET", "/v/{name}", [this](http::Request& req, http::Responder respond) {
    respond(http::File((source_ / std::string(req.PathParam("name"))).string()));
  }));
  http::testing::TestServer server(std::move(router));
  const std::string url =
      "http://127.0.0.1:" + std::to_string(server.port()) + "/v/en_GB-multi-high.onnx";
  auto r = Models({"add", url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("license: CC BY 4.0"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(models_ / "en_GB-multi-high.onnx.json"));
  auto missing = Models({"add", url + ".nothere.onnx", "--sha256", sha_});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
}

// A Piper voice end to end: listed by `vox voices`, spoken by `vox synth`, and
// by a job through the API of `vox serve` (DATA/models is the default model
// directory). The voice is a generated random-weight one: the audio is noise
// shaped like speech, so it is checked for rate, length and finiteness only.
TEST(PiperVoices, SpeakThroughTheCliAndAJobThroughTheApi) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  const fs::path models = data / "models";
  vox::testing::InstallGeneratedVoice(models, "vox-test-medium");
  auto voices = RunVox({"voices", "--models", models.string(), "--json"});
  ASSERT_EQ(voices.exit_code, 0) << voices.err;
  EXPECT_NE(voices.out.find("\"piper-vox-test-medium\""), std::string::npos) << voices.out;

  const fs::path out = dir.path() / "hello.wav";
  auto synth =
      RunVox({"synth", "--models", models.string(), "--voice", "piper-vox-test-medium", "--text",
              "Hello from a neural voice. It speaks two sentences.", "--out", out.string()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto pcm = audio::DecodeFile(out.string());
  ASSERT_TRUE(pcm) << pcm.error().ToString();
  EXPECT_EQ(pcm->sample_rate, 22050);
  EXPECT_GT(pcm->duration_s(), 1.0);

  ServerProcess server(data);
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());
  auto listed = api.Call("GET", "/v1/voices");
  ASSERT_EQ(listed->status, 200);
  EXPECT_NE(listed->body.find("piper-vox-test-medium"), std::string::npos);
  auto submitted = api.Submit({{"text", "A job in a Piper voice, through the whole platform."},
                               {"voice_id", "piper-vox-test-medium"},
                               {"format", "wav"}});
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const json job = api.WaitForFinal(submitted->JsonBody()["job_id"]);
  ASSERT_EQ(job["status"], "done") << job.dump();
  auto audio = api.Call("GET", job["audio_url"].get<std::string>());
  ASSERT_EQ(audio->status, 200);
  auto decoded = audio::Decode(audio->body);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(decoded->sample_rate, 22050);
  EXPECT_NEAR(decoded->duration_s(), job["duration_s"].get<double>(), 0.05);
  EXPECT_EQ(server.Terminate(), 0);
}

// Voices added to or removed from the model directory of a running server
// arrive on SIGHUP or POST /v1/admin/models/reload; a job already being
// synthesized in a removed voice still finishes.
TEST(PiperVoices, AReloadAddsAndRemovesVoicesWhileAJobRuns) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  const fs::path models = data / "models";
  auto install = [&](const std::string& name) {
    vox::testing::InstallGeneratedVoice(models, name);
  };
  install("vox-test-medium");
  ServerProcess server(data);
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient admin(server.port(), server.admin_key());
  auto listed = [&] { return admin.Call("GET", "/v1/voices")->body; };
  ASSERT_NE(listed().find("piper-vox-test-medium"), std::string::npos);

  // SIGHUP: a voice copied in appears.
  install("vox-test-x_low");
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (listed().find("piper-vox-test-x_low") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(listed().find("piper-vox-test-x_low"), std::string::npos) << server.output();

  // A long job in the medium voice, then the voice is removed under it.
  std::string text;
  for (int i = 0; i < 12; ++i) text += "This sentence keeps the neural voice busy for a while. ";
  auto submitted = admin.Submit({{"text", text}, {"voice_id", "piper-vox-test-medium"}});
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string job_id = submitted->JsonBody()["job_id"];
  std::string status;
  while (status != "inference" && status != "done" && std::chrono::steady_clock::now() < deadline) {
    status = admin.Call("GET", "/v1/tts/job/" + job_id)->JsonBody().value("status", "");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fs::remove(models / "vox-test-medium.onnx");
  fs::remove(models / "vox-test-medium.onnx.json");
  auto reloaded = admin.Call("POST", "/v1/admin/models/reload");
  ASSERT_EQ(reloaded->status, 200) << reloaded->body;
  const json report = reloaded->JsonBody();
  EXPECT_EQ(report["removed"], json::array({"piper-vox-test-medium"})) << report.dump();
  EXPECT_EQ(report["added"], json::array()) << report.dump();
  EXPECT_EQ(listed().find("piper-vox-test-medium"), std::string::npos);
  const json job = admin.WaitForFinal(job_id);
  EXPECT_EQ(job["status"], "done") << "the job started before the reload: " << job.dump();

  // New requests get the usual unknown-voice answer; others still speak.
  auto gone = admin.Submit({{"text", "Hello."}, {"voice_id", "piper-vox-test-medium"}});
  EXPECT_EQ(gone->status, 422) << gone->body;  // as any unknown voice
  auto other = admin.Submit({{"text", "Hello."}, {"voice_id", "piper-vox-test-x_low"}});
  ASSERT_EQ(other->status, 202) << other->body;
  EXPECT_EQ(admin.WaitForFinal(other->JsonBody()["job_id"])["status"], "done");

  // Only admins reload.
  auto user = RunVox({"keys", "create", "--data", data.string(), "--name", "user"});
  ASSERT_EQ(user.exit_code, 0) << user.err;
  ApiClient plain(server.port(), user.out.substr(0, user.out.find('\n')));
  EXPECT_EQ(plain.Call("POST", "/v1/admin/models/reload")->status, 403);
  EXPECT_EQ(server.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
