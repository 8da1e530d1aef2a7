// End-to-end ElevenLabs compatibility: the official @elevenlabs/elevenlabs-js SDK,
// unchanged, against `vox serve` (tests/elevenlabs/sdk.mjs), judged here: the audio
// decodes (one is heard by the speech recognizer), alignments join back to the text,
// errors come in ElevenLabs' shapes; plus the shared routes answering natively with a
// bearer key and in ElevenLabs' shape with xi-api-key.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "audio/dsp.h"
#include "audio/testing/ffmpeg_cli.h"
#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kText = "Hello from Vox. It costs $3.50 today, said Dr. Smith!";

class ElevenLabsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_TRUE(server_->Start());
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void ExpectAudio(const std::string& file, const std::string& raw_format = {}, int rate = 0) {
  SCOPED_TRACE(file);
  audio::PcmBuffer pcm = audio::testing::DecodeWithFfmpeg(ReadFile(file), raw_format, rate);
  EXPECT_GT(pcm.duration_s(), 2.0);
  EXPECT_LT(pcm.duration_s(), 12.0);
  EXPECT_GT(audio::Rms(pcm), 0.02);
}

void ExpectAlignment(const json& a, double max_end) {
  ASSERT_TRUE(a.is_object()) << a.dump();
  EXPECT_EQ(a["text"], kText);
  EXPECT_TRUE(a["ordered"].get<bool>());
  EXPECT_GT(a["end"].get<double>(), 1.0);
  EXPECT_LE(a["end"].get<double>(), max_end);
}

TEST_F(ElevenLabsE2E, OfficialSdkParsesEveryRoute) {
  const fs::path source(VOX_SOURCE_DIR);
  if (!fs::exists(source / "tests/services/node_modules/@elevenlabs/elevenlabs-js/package.json")) {
    GTEST_FAIL() << "the ElevenLabs SDK is not installed; run tests/services/install.sh";
  }
  TempDir out;
  const std::string cmd = "node " + (source / "tests/elevenlabs/sdk.mjs").string() +
                          " http://127.0.0.1:" + std::to_string(server_->port()) + " " +
                          server_->admin_key() + " " + out.path().string();
  const CommandResult run = RunShell(cmd);
  const std::string& output = run.out;
  ASSERT_EQ(run.exit_code, 0) << output;
  const json s = json::parse(output, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << output;

  ExpectAudio(s["convert"]["file"]);
  ExpectAudio(s["stream"]["file"], "s16le", 16000);
  EXPECT_GT(s["stream"]["chunks"].get<int>(), 1) << "not streamed in pieces";
  ExpectAudio(s["with_timestamps"]["file"]);
  ExpectAudio(s["stream_with_timestamps"]["file"], "s16le", 24000);
  ExpectAlignment(s["with_timestamps"]["alignment"], 12.0);
  ExpectAlignment(s["stream_with_timestamps"]["alignment"], 12.0);
  EXPECT_GT(s["stream_with_timestamps"]["events"].get<int>(), 1);
  const json& normalized = s["with_timestamps"]["normalized"];
  ASSERT_TRUE(normalized.is_object());
  EXPECT_NE(normalized["text"].get<std::string>().find("three dollars and fifty cents"),
            std::string::npos)
      << normalized.dump();
  EXPECT_TRUE(normalized["ordered"].get<bool>());

  // The audio says the text.
  auto transcriber = asr::Transcriber::Create({});
  ASSERT_TRUE(transcriber);
  auto heard =
      (*transcriber)->Transcribe(audio::testing::DecodeWithFfmpeg(ReadFile(s["convert"]["file"])));
  ASSERT_TRUE(heard);
  EXPECT_LT(asr::WordErrors("hello from vox it costs three dollars and fifty cents today said "
                            "doctor smith",
                            *heard)
                .wer(),
            0.6)
      << *heard;

  EXPECT_GT(s["voices"]["count"].get<int>(), 5);
  EXPECT_NE(s["voices"]["ids"].dump().find("\"flite-slt\""), std::string::npos);
  EXPECT_EQ(s["voice"]["voice_id"], "flite-slt");
  EXPECT_EQ(s["voice"]["category"], "premade");
  EXPECT_EQ(s["voice"]["labels"]["language"], "en");

  EXPECT_TRUE(s["added"]["requires_verification"].get<bool>());
  EXPECT_EQ(s["added_voice"]["category"], "cloned");
  EXPECT_EQ(s["added_voice"]["labels"]["accent"], "american");
  EXPECT_TRUE(s["added_voice"]["verification"]["requiresVerification"].get<bool>());
  EXPECT_TRUE(s["added_speaks"]["thrown"].get<bool>()) << "a clone without consent spoke";
  EXPECT_EQ(s["deleted"]["status"], "ok");
  EXPECT_EQ(s["deleted_get"]["status"], 404);

  EXPECT_EQ(s["models"][0], "eleven_multilingual_v2");
  EXPECT_FALSE(s["subscription"]["tier"].get<std::string>().empty());  // the user's plan
  EXPECT_EQ(s["subscription"]["status"], "active");
  // Five syntheses of kText and one of the sample sentence, counted this month.
  EXPECT_GE(s["subscription"]["character_count"].get<int>(), 4 * 53);

  const json& errors = s["errors"];
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0]["class"], "UnprocessableEntityError");
  EXPECT_EQ(errors[0]["status"], 422);
  EXPECT_EQ(errors[0]["body"]["detail"][0]["loc"],
            json::array({"body", "voice_settings", "speed"}));
  EXPECT_EQ(errors[1]["status"], 404);
  EXPECT_EQ(errors[1]["body"]["detail"]["status"], "voice_not_found");
  EXPECT_EQ(errors[2]["status"], 422);
  EXPECT_EQ(errors[2]["body"]["detail"][0]["loc"], json::array({"query", "output_format"}));
  EXPECT_EQ(errors[3]["status"], 401);
  EXPECT_EQ(errors[3]["body"]["detail"]["status"], "invalid_api_key");
}

TEST_F(ElevenLabsE2E, SharedRoutesAnswerInTheShapeOfTheKeyUsed) {
  ApiClient native(server_->port(), server_->admin_key());
  ApiClient eleven(server_->port(), "");
  const http::HttpClient::HeaderList xi = {{"xi-api-key", server_->admin_key()}};

  auto voices = native.Call("GET", "/v1/voices");
  ASSERT_TRUE(voices);
  EXPECT_TRUE(voices->JsonBody()["voices"][0].contains("kind")) << voices->body.substr(0, 300);
  auto xi_voices = eleven.Call("GET", "/v1/voices", {}, xi);
  ASSERT_TRUE(xi_voices);
  ASSERT_EQ(xi_voices->status, 200);
  EXPECT_TRUE(xi_voices->JsonBody()["voices"][0].contains("voice_id"));
  EXPECT_EQ(xi_voices->JsonBody()["voices"][0]["category"], "premade");

  auto models = native.Call("GET", "/v1/models");
  ASSERT_TRUE(models);
  EXPECT_TRUE(models->JsonBody().is_object());
  auto xi_models = eleven.Call("GET", "/v1/models", {}, xi);
  ASSERT_TRUE(xi_models);
  EXPECT_TRUE(xi_models->JsonBody().is_array());

  auto one = eleven.Call("GET", "/v1/voices/espeak-de", {}, xi);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->JsonBody()["voice_id"], "espeak-de");
  auto missing = eleven.Call("GET", "/v1/voices/nope", {}, xi);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->JsonBody()["detail"]["status"], "voice_not_found");

  // No key, a wrong key: ElevenLabs' 401, before any body is read.
  auto no_key = eleven.Call("POST", "/v1/text-to-speech/flite-slt", R"({"text":"Hi"})",
                            {{"Content-Type", "application/json"}});
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 401);
  auto bad_key = eleven.Call("GET", "/v1/user/subscription", {}, {{"xi-api-key", "vox_nope"}});
  ASSERT_TRUE(bad_key);
  EXPECT_EQ(bad_key->status, 401);
  EXPECT_EQ(bad_key->JsonBody()["detail"]["status"], "invalid_api_key");

  // A voice id with path characters is no voice; garbage bodies are 422s; nothing crashes.
  for (const std::string& target : {std::string("/v1/text-to-speech/..%2F..%2Fetc/stream"),
                                    std::string("/v1/text-to-speech/flite%2Dslt%00x")}) {
    auto r = eleven.Call("POST", target, R"({"text":"Hi"})", xi);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->status == 404 || r->status == 400) << target << " " << r->status;
  }
  auto garbage =
      eleven.Call("POST", "/v1/text-to-speech/flite-slt/with-timestamps", "\x01\x02{{{", xi);
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 422);
  EXPECT_EQ(garbage->JsonBody()["detail"][0]["loc"], json::array({"body"}));

  // Every synthesis is a job with its timestamps.
  auto spoken = eleven.Call("POST", "/v1/text-to-speech/flite-slt?output_format=pcm_16000",
                            json{{"text", kText}}.dump(), xi);
  ASSERT_TRUE(spoken);
  ASSERT_EQ(spoken->status, 200);
  const std::string job_id(spoken->Header("X-Vox-Job-Id").value_or(""));
  ASSERT_FALSE(job_id.empty());
  json job = native.WaitForFinal(job_id);
  EXPECT_EQ(job["status"], "done");
  ASSERT_TRUE(job.contains("timestamps"));
  EXPECT_EQ(job["timestamps"][5]["word"], "$3.50");
}

}  // namespace
}  // namespace vox::testing
