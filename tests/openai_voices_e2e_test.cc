// OpenAI's custom-voice flow end to end: the official openai npm SDK (tests/openai/
// voices_sdk.mjs) against a real `vox serve` uploads a consent recording of a test speaker
// reading Vox's consent statement, creates a voice from a sample and that consent, waits for
// the worker to verify and make it, speaks in it with voice: {id}, and meets every bad input
// (the plan's voice slots and the key's scope among them);
// judged here: the objects' shapes, the audio (decoded, heard by the recognizer), the typed
// errors, and the blob store (a used consent's recording is gone, nothing half-created).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "audio/dsp.h"
#include "audio/testing/ffmpeg_cli.h"
#include "support/api_client.h"
#include "support/clone_upload.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kTarget = "flite-slt-f0x1.2";
const char* kSpeakerName = "Jane Doe";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Blobs whose key mentions `needle` (data/blobs/...).
std::vector<std::string> BlobsNaming(const fs::path& data, const std::string& needle) {
  std::vector<std::string> out;
  const fs::path root = data / "blobs";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(e.path(), root).generic_string();
    if (e.is_regular_file() && rel.find(needle) != std::string::npos) out.push_back(rel);
  }
  return out;
}

TEST(OpenAiVoicesE2E, OfficialSdkCreatesAConsentedVoiceAndSpeaksInIt) {
  const fs::path source(VOX_SOURCE_DIR);
  if (!fs::exists(source / "tests/services/node_modules/openai/package.json")) {
    GTEST_FAIL() << "the openai SDK is not installed; run tests/services/install.sh";
  }
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ServerProcess server(data, {"--workers", "1", "--max-upload-bytes", "4000000"});
  ASSERT_TRUE(server.Start()) << server.output();
  auto vox = [&](std::vector<std::string> args) {
    args.insert(args.begin() + 2, {"--data", data.string()});
    auto run = RunVox(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out.substr(0, run.out.find('\n'));
  };
  // Alice's plan holds one voice; Bob is another user; the reader may only read voices.
  vox({"plans", "set", "onevoice", "--voice-slots", "1"});
  const std::string alice_id = vox({"users", "create", "--name", "alice", "--plan", "onevoice"});
  const std::string alice = vox({"keys", "create", "--user", alice_id});
  const std::string bob = vox({"keys", "create", "--name", "bob"});
  const std::string reader = vox({"keys", "create", "--name", "reader", "--scopes", "voices:read"});

  // The speaker reads Vox's statement for her name, twice (a consent and a spare), each with
  // the one-time challenge the API issued to alice; the sample is her reading other sentences.
  ApiClient alice_api(server.port(), alice);
  const ConsentReading reading =
      ReadConsent(alice_api, kTarget, kSpeakerName, audio::Format::kFlac);
  const ConsentReading spare = ReadConsent(alice_api, kTarget, kSpeakerName, audio::Format::kFlac);
  const fs::path consent_file = dir.path() / "consent.flac", sample_file = dir.path() / "jane.wav";
  const fs::path spare_file = dir.path() / "spare.flac";
  WriteFile(consent_file, reading.audio);
  WriteFile(spare_file, spare.audio);
  WriteFile(sample_file, Encode(Speak(kTarget, voice::testing::EvaluationSentences())));
  TempDir out;
  const std::string cmd = "node " + (source / "tests/openai/voices_sdk.mjs").string() +
                          " http://127.0.0.1:" + std::to_string(server.port()) + "/v1 " + alice +
                          " " + bob + " " + reader + " " + consent_file.string() + " " +
                          sample_file.string() + " '" + kSpeakerName + "' " + out.path().string() +
                          " " + reading.challenge_id + " " + spare_file.string() + " " +
                          spare.challenge_id;
  const CommandResult run = RunShell(cmd);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json s = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << run.out;

  // The consent, as OpenAI's audio.voice_consent.
  const json& consent = s["consent"];
  const std::string consent_id = consent.value("id", "");
  EXPECT_TRUE(std::regex_match(consent_id, std::regex("cons_[0-9a-f]{32}"))) << consent.dump();
  EXPECT_EQ(consent["object"], "audio.voice_consent");
  EXPECT_EQ(consent["name"], kSpeakerName);
  EXPECT_EQ(consent["language"], "en-US");
  EXPECT_TRUE(consent["created_at"].is_number_integer());
  EXPECT_EQ(s["fetched"], consent);

  // The voice: accepted as processing, made by the worker, then spoken in.
  const json& created = s["created"];
  const std::string voice_id = created.value("id", "");
  EXPECT_EQ(created["object"], "audio.voice");
  EXPECT_EQ(created["name"], "Jane via OpenAI");
  EXPECT_EQ(created["type"], "audio_sample");
  EXPECT_EQ(created["status"], "processing");
  const json& waited = s["waited"]["voice"];
  ASSERT_EQ(waited.value("status", ""), "ready") << waited.dump();
  EXPECT_EQ(waited["id"], voice_id);
  ASSERT_TRUE(s["speech"].is_object());
  EXPECT_EQ(s["speech"]["content_type"], "audio/wav");
  const audio::PcmBuffer pcm =
      audio::testing::DecodeWithFfmpeg(ReadFile(s["speech"]["file"].get<std::string>()));
  EXPECT_GT(pcm.duration_s(), 1.5);
  EXPECT_LT(pcm.duration_s(), 10);
  EXPECT_GT(audio::Rms(pcm), 0.02);
  auto transcriber = asr::Transcriber::Create({});
  ASSERT_TRUE(transcriber);
  auto heard = (*transcriber)->Transcribe(pcm);
  ASSERT_TRUE(heard);
  EXPECT_LT(asr::WordErrors("the quick brown fox jumps over the lazy dog", *heard).wer(), 0.5)
      << *heard;

  // Used: the consent names its voice and its recording is gone from the blob store.
  EXPECT_EQ(s["consent_after"].value("voice_id", ""), voice_id);
  for (const std::string& blob : BlobsNaming(data, consent_id)) {
    EXPECT_FALSE(blob.ends_with(".audio")) << blob;
  }

  struct Expected {
    std::string name, cls, param, code;
    int status;
    std::string type = "invalid_request_error";
  };
  const std::vector<Expected> expected = {
      {"consent_reused", "BadRequestError", "consent", "consent_already_used", 400},
      {"unknown_consent", "BadRequestError", "consent", "consent_not_found", 400},
      {"other_users_consent", "BadRequestError", "consent", "consent_not_found", 400},
      {"sample_not_audio", "BadRequestError", "audio_sample", "invalid_value", 400},
      {"voice_without_name", "BadRequestError", "name", "missing_required_parameter", 400},
      {"prompt_voice", "BadRequestError", "type", "invalid_value", 400},
      {"recording_not_audio", "BadRequestError", "recording", "invalid_value", 400},
      {"consent_without_recording", "BadRequestError", "recording", "missing_required_parameter",
       400},
      {"consent_in_german", "BadRequestError", "language", "unsupported_language", 400},
      {"consent_without_challenge", "BadRequestError", "challenge_id", "missing_required_parameter",
       400},
      {"consent_with_unknown_challenge", "BadRequestError", "challenge_id", "challenge_not_found",
       400},
      {"consent_with_other_users_challenge", "BadRequestError", "challenge_id",
       "challenge_not_found", 400},
      {"unknown_consent_get", "NotFoundError", "consent_id", "consent_not_found", 404},
      {"other_users_consent_get", "NotFoundError", "consent_id", "consent_not_found", 404},
      {"over_voice_slots", "RateLimitError", "", "insufficient_quota", 429, "insufficient_quota"},
      {"read_only_key", "PermissionDeniedError", "", "insufficient_scope", 403},
      {"bad_key", "AuthenticationError", "", "invalid_api_key", 401}};
  ASSERT_EQ(s["errors"].size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& e = s["errors"][i];
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(e.value("name", ""), expected[i].name);
    EXPECT_TRUE(e.value("thrown", false)) << e.dump();
    EXPECT_EQ(e.value("class", ""), expected[i].cls) << e.dump();
    EXPECT_EQ(e.value("status", 0), expected[i].status);
    EXPECT_EQ(e["param"], expected[i].param.empty() ? json(nullptr) : json(expected[i].param));
    EXPECT_EQ(e.value("code", ""), expected[i].code);
    EXPECT_EQ(e.value("type", ""), expected[i].type);
  }
  // Nothing the bad inputs sent was kept or used: the spare consent is still unused, only
  // the two good consents exist, and the one voice.
  EXPECT_FALSE(s["spare_after"].contains("voice_id")) << s["spare_after"].dump();
  ASSERT_EQ(s["consents"]["data"].size(), 2u) << s["consents"].dump();
  EXPECT_EQ(s["consents"]["object"], "list");
  EXPECT_EQ(s["consents"]["data"][0]["id"], s["spare"]["id"]) << "newest first";
  ASSERT_EQ(s["voices"]["data"].size(), 1u) << s["voices"].dump();
  EXPECT_EQ(s["voices"]["data"][0]["id"], voice_id);

  // Deletion: the voice stops speaking; deleting it again and the deleted consent are 404s.
  EXPECT_EQ(s["deleted"],
            json({{"id", voice_id}, {"object", "audio.voice.deleted"}, {"deleted", true}}));
  const json& speak_deleted = s["after"][0];
  EXPECT_TRUE(speak_deleted.value("thrown", false)) << speak_deleted.dump();
  EXPECT_EQ(speak_deleted["param"], "voice");
  EXPECT_EQ(s["after"][1].value("status", 0), 404) << s["after"][1].dump();
  EXPECT_EQ(s["after"][2].value("status", 0), 404) << s["after"][2].dump();
  EXPECT_EQ(s["spare_deleted"]["deleted"], true);
  EXPECT_TRUE(BlobsNaming(data, s["spare"]["id"].get<std::string>()).empty());

  // The consents' lifecycle is in the audit log.
  auto audit = RunVox({"audit", "export", "--data", data.string()});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  for (const char* action : {"voice_consent.create", "voice_consent.use", "voice_consent.delete"}) {
    EXPECT_NE(audit.out.find(action), std::string::npos) << action;
  }
  EXPECT_EQ(server.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
