// Encryption at rest through a real `vox serve`: the audio on disk is ciphertext, the API
// still serves it whole and in ranges, `vox encryption rotate` moves it to a new key, and a
// key file that cannot work stops the server at start with the setting's name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "audio/decode.h"
#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string NewKey() {
  CommandResult r = RunVox({"encryption", "new-key"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The stored bytes of every audio blob (not the side files next to them).
std::vector<std::string> StoredAudio(const fs::path& data) {
  std::vector<std::string> blobs;
  for (const auto& entry : fs::recursive_directory_iterator(data / "blobs" / "audio")) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.ends_with(".wav")) blobs.push_back(ReadFile(entry.path()));
  }
  return blobs;
}

json Speak(ApiClient& api, const std::string& text) {
  auto submitted = api.Submit({{"text", text}, {"format", "wav"}, {"voice_id", "flite-slt"}});
  EXPECT_TRUE(submitted && submitted->status == 202);
  if (!submitted || submitted->status != 202) return {};
  return api.WaitForFinal(submitted->JsonBody().value("job_id", ""));
}

TEST(EncryptionAtRest, AudioIsStoredEncryptedServedInRangesAndRotatedToANewKey) {
  TempDir dir;
  fs::path data = dir.path() / "data", keys = dir.path() / "keys";
  const std::string old_key = NewKey();
  std::ofstream(keys) << old_key;

  std::string audio;
  std::string job_id, admin_key;
  {
    ServerProcess server(data, {"--workers", "1", "--encryption-key-file", keys.string()});
    ASSERT_TRUE(server.Start()) << server.output();
    admin_key = server.admin_key();
    ApiClient api(server.port(), admin_key);
    json job = Speak(api, "Stored encrypted, served in the clear.");
    ASSERT_EQ(job.value("status", ""), "done") << job.dump();
    job_id = job["job_id"];
    ApiClient anonymous(server.port(), "");
    auto whole = anonymous.Call("GET", job.value("audio_url", ""));
    ASSERT_TRUE(whole && whole->status == 200);
    audio = whole->body;
    auto decoded = audio::Decode(audio);
    ASSERT_TRUE(decoded) << decoded.error().ToString();
    EXPECT_GT(decoded->duration_s(), 1.0);
    for (auto [range, first, length] : std::vector<std::tuple<std::string, size_t, size_t>>{
             {"bytes=0-99", 0, 100},
             {"bytes=65530-65545", 65530, 16},  // across the 64 KiB chunk boundary
             {"bytes=-10", audio.size() - 10, 10}}) {
      auto part = anonymous.Call("GET", job.value("audio_url", ""), {}, {{"Range", range}});
      ASSERT_TRUE(part);
      EXPECT_EQ(part->status, 206) << range;
      EXPECT_EQ(part->body, audio.substr(first, length)) << range;
      EXPECT_EQ(part->Header("Content-Range").value_or(""), "bytes " + std::to_string(first) + "-" +
                                                                std::to_string(first + length - 1) +
                                                                "/" + std::to_string(audio.size()));
    }
    auto beyond = anonymous.Call("GET", job.value("audio_url", ""), {},
                                 {{"Range", "bytes=" + std::to_string(audio.size()) + "-"}});
    EXPECT_EQ(beyond->status, 416);
    EXPECT_EQ(server.Terminate(), 0);
  }
  auto stored = StoredAudio(data);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_TRUE(stored[0].starts_with(std::string("VOXENC1\0", 8)));
  EXPECT_EQ(stored[0].find("RIFF"), std::string::npos);
  EXPECT_EQ(stored[0].find(audio.substr(1000, 64)), std::string::npos);

  // Rotation: the new key first, the old one kept until the rotation is done.
  const std::string new_key = NewKey();
  std::ofstream(keys, std::ios::trunc) << new_key << old_key;
  CommandResult rotated = RunVox(
      {"encryption", "rotate", "--data", data.string(), "--encryption-key-file", keys.string()});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  json report = json::parse(rotated.out);
  EXPECT_GE(report.value("rewritten", 0), 1) << rotated.out;
  EXPECT_EQ(report.value("encrypted", -1), 0) << rotated.out;
  EXPECT_NE(StoredAudio(data)[0], stored[0]);

  // The old key gone: everything still reads.
  std::ofstream(keys, std::ios::trunc) << new_key;
  ServerProcess server(data, {"--workers", "1", "--encryption-key-file", keys.string()});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), admin_key);
  auto job = api.Call("GET", "/v1/tts/job/" + job_id);
  ASSERT_TRUE(job && job->status == 200);
  auto again = ApiClient(server.port(), "").Call("GET", job->JsonBody().value("audio_url", ""));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, audio);
  EXPECT_EQ(server.Terminate(), 0);
}

// VOX_ENCRYPTION_PLAINTEXT=refuse: a job's encrypted audio replaced wholesale by valid
// plaintext (its own decrypted bytes) is refused, not served, and the server says why.
TEST(EncryptionAtRest, RefusedPlaintextReplacingAnEncryptedBlobIsNotServed) {
  TempDir dir;
  fs::path data = dir.path() / "data", keys = dir.path() / "keys";
  std::ofstream(keys) << NewKey();
  ServerProcess server(data, {"--workers", "1", "--encryption-key-file", keys.string(),
                              "--encryption-plaintext", "refuse"});
  const fs::path log = dir.path() / "server.log";
  server.set_stderr_file(log);
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());
  json job = Speak(api, "Only what Vox encrypted is served.");
  ASSERT_EQ(job.value("status", ""), "done") << job.dump();
  ApiClient anonymous(server.port(), "");
  auto served = anonymous.Call("GET", job.value("audio_url", ""));
  ASSERT_TRUE(served && served->status == 200);

  int replaced = 0;
  for (const auto& entry : fs::recursive_directory_iterator(data / "blobs" / "audio")) {
    if (!entry.is_regular_file() || !entry.path().string().ends_with(".wav")) continue;
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << served->body;
    ++replaced;
  }
  ASSERT_EQ(replaced, 1);
  auto forged = anonymous.Call("GET", job.value("audio_url", ""));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 500);
  EXPECT_EQ(forged->body.find("RIFF"), std::string::npos);
  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_NE(ReadFile(log).find("has no encryption header"), std::string::npos) << ReadFile(log);
}

// Biometric data in the database (a protected voice's embedding here; a clone's metadata goes
// the same way, store_sealed_fields_test): sealed on write, unreadable without the key, and
// moved to a new key by the same rotation as the blobs.
TEST(EncryptionAtRest, VoiceEmbeddingsAreSealedInTheDatabaseAndRotated) {
  TempDir dir;
  fs::path data = dir.path() / "data", keys = dir.path() / "keys";
  const std::string old_key = NewKey();
  std::ofstream(keys) << old_key;
  const fs::path famous = dir.path() / "famous.wav";
  CommandResult spoken = RunVox({"synth", "--data", data.string(), "--voice", "flite-slt", "--text",
                                 "This recording stands in for a famous person who must never "
                                 "be cloned, read slowly and clearly for several seconds.",
                                 "--out", famous.string()});
  ASSERT_EQ(spoken.exit_code, 0) << spoken.err;
  CommandResult added =
      RunVox({"protected", "add", "--data", data.string(), "--encryption-key-file", keys.string(),
              "A Famous Person", famous.string()});
  ASSERT_EQ(added.exit_code, 0) << added.err;

  CommandResult keyless = RunVox({"protected", "list", "--data", data.string()});
  EXPECT_NE(keyless.exit_code, 0) << keyless.out;
  EXPECT_NE(keyless.err.find("VOX_ENCRYPTION_KEY_FILE"), std::string::npos) << keyless.err;
  CommandResult listed = RunVox(
      {"protected", "list", "--data", data.string(), "--encryption-key-file", keys.string()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("A Famous Person"), std::string::npos) << listed.out;

  const std::string new_key = NewKey();
  std::ofstream(keys, std::ios::trunc) << new_key << old_key;
  CommandResult rotated = RunVox(
      {"encryption", "rotate", "--data", data.string(), "--encryption-key-file", keys.string()});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_EQ(json::parse(rotated.out).value("voice_fields", -1), 1) << rotated.out;
  std::ofstream(keys, std::ios::trunc) << new_key;
  listed = RunVox(
      {"protected", "list", "--data", data.string(), "--encryption-key-file", keys.string()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("A Famous Person"), std::string::npos) << listed.out;
}

TEST(EncryptionAtRest, AKeyFileThatCannotWorkStopsTheServerNamingTheSetting) {
  TempDir dir;
  fs::path keys = dir.path() / "keys";
  std::ofstream(keys) << "c2hvcnQ=\n";  // base64, but 5 bytes
  CommandResult bad = RunVox({"serve", "--data", (dir.path() / "data").string(), "--listen",
                              "127.0.0.1:0", "--encryption-key-file", keys.string()});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("VOX_ENCRYPTION_KEY_FILE"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("c2hvcnQ="), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace vox::testing
