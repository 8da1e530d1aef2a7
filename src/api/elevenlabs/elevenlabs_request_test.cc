// ElevenLabs' request pieces as the SDK sends them: output_format values, the body's
// fields, and the 422 {"detail":[...]} shape of what is refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/elevenlabs/elevenlabs_errors.h"
#include "api/elevenlabs/output_format.h"
#include "api/elevenlabs/tts_request.h"

namespace vox::api::elevenlabs {
namespace {

using nlohmann::json;

TEST(OutputFormat, EveryDocumentedValueMaps) {
  struct Case {
    const char* value;
    audio::StreamFormat format;
    int rate, kbps;
    const char* content_type;
  };
  const Case cases[] = {
      {"mp3_22050_32", audio::StreamFormat::kMp3, 22050, 32, "audio/mpeg"},
      {"mp3_24000_48", audio::StreamFormat::kMp3, 24000, 48, "audio/mpeg"},
      {"mp3_44100_192", audio::StreamFormat::kMp3, 44100, 192, "audio/mpeg"},
      {"pcm_8000", audio::StreamFormat::kPcm, 8000, 0, "audio/pcm"},
      {"pcm_48000", audio::StreamFormat::kPcm, 48000, 0, "audio/pcm"},
      {"wav_22050", audio::StreamFormat::kWav, 22050, 0, "audio/wav"},
      {"ulaw_8000", audio::StreamFormat::kUlaw, 8000, 0, "audio/basic"},
      {"alaw_8000", audio::StreamFormat::kAlaw, 8000, 0, "audio/x-alaw-basic"},
      {"opus_48000_64", audio::StreamFormat::kOpus, 48000, 64, "audio/ogg"},
  };
  for (const Case& c : cases) {
    auto f = ParseOutputFormat(c.value);
    ASSERT_TRUE(f.has_value()) << c.value;
    EXPECT_EQ(f->encode.format, c.format) << c.value;
    EXPECT_EQ(f->encode.sample_rate, c.rate) << c.value;
    EXPECT_EQ(f->encode.bitrate_kbps, c.kbps) << c.value;
    EXPECT_EQ(f->content_type, c.content_type) << c.value;
  }
  EXPECT_TRUE(ParseOutputFormat(kDefaultOutputFormat).has_value());
}

TEST(OutputFormat, OthersAreRefusedNamingTheParameter) {
  for (const char* bad :
       {"", "mp3", "mp3_44100", "mp3_44100_100", "pcm_11025", "ulaw_16000", "opus_24000_64",
        "flac_44100", "pcm_44100_", "pcm_+8000", "wav_-1", "mp3_44100_128_x", "pcm_99999999999"}) {
    auto f = ParseOutputFormat(bad);
    ASSERT_FALSE(f.has_value()) << bad;
    EXPECT_EQ(f.error().field, "output_format");
  }
}

TEST(TtsRequest, FieldsAsTheSdkSendsThem) {
  auto r = ParseTtsRequest(R"({"text":"Hello there.","model_id":"eleven_flash_v2_5",
      "language_code":"en","seed":42,"previous_text":"ignored",
      "voice_settings":{"stability":0.5,"similarity_boost":0.75,"style":0,
                        "use_speaker_boost":true,"speed":1.1}})");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->text, "Hello there.");
  EXPECT_EQ(r->model_id, "eleven_flash_v2_5");
  EXPECT_EQ(r->language_code, "en");
  EXPECT_EQ(r->seed, 42);
  EXPECT_DOUBLE_EQ(r->speed, 1.1);
  auto minimal = ParseTtsRequest(R"({"text":"Hi"})");
  ASSERT_TRUE(minimal.has_value());
  EXPECT_EQ(minimal->model_id, "eleven_multilingual_v2");
  EXPECT_DOUBLE_EQ(minimal->speed, 1.0);
}

TEST(TtsRequest, RefusalsAre422WithTheFieldsLocation) {
  struct Case {
    std::string body;
    json loc;
  };
  const Case cases[] = {
      {R"({})", json::array({"body", "text"})},
      {R"({"text":5})", json::array({"body", "text"})},
      {R"({"text":"   "})", json::array({"body", "text"})},
      {R"({"text":")" + std::string(kMaxTextChars + 1, 'a') + R"("})",
       json::array({"body", "text"})},
      {R"({"text":"Hi","model_id":"gpt-4"})", json::array({"body", "model_id"})},
      {R"({"text":"Hi","voice_settings":{"speed":5}})",
       json::array({"body", "voice_settings", "speed"})},
      {R"({"text":"Hi","voice_settings":{"stability":"high"}})",
       json::array({"body", "voice_settings", "stability"})},
      {R"({"text":"Hi","voice_settings":[]})", json::array({"body", "voice_settings"})},
      {R"({"text":"Hi","seed":-1})", json::array({"body", "seed"})},
      {R"({"text":"Hi","seed":1.5})", json::array({"body", "seed"})},
      {R"(not json)", json::array({"body"})},
  };
  for (const Case& c : cases) {
    auto r = ParseTtsRequest(c.body);
    ASSERT_FALSE(r.has_value()) << c.body.substr(0, 80);
    http::Response response = ErrorResponse(r.error());
    EXPECT_EQ(response.status, 422) << c.body.substr(0, 80);
    const json body = json::parse(response.body);
    ASSERT_TRUE(body["detail"].is_array());
    EXPECT_EQ(body["detail"][0]["loc"], c.loc) << c.body.substr(0, 80);
    EXPECT_FALSE(body["detail"][0]["msg"].get<std::string>().empty());
  }
}

TEST(ElevenLabsErrors, OtherErrorsCarryAStatusAndMessage) {
  auto body = [](const Error& e, int want) {
    http::Response r = ErrorResponse(e);
    EXPECT_EQ(r.status, want) << e.ToString();
    return json::parse(r.body)["detail"];
  };
  EXPECT_EQ(body({ErrorCode::kUnauthenticated, "no key", "Authorization"}, 401)["status"],
            "invalid_api_key");
  EXPECT_EQ(body({ErrorCode::kNotFound, "no such voice", "voice"}, 404)["status"],
            "voice_not_found");
  EXPECT_EQ(body({ErrorCode::kUnprocessable, "the voice was deleted", "voice_id"}, 404)["status"],
            "voice_not_found");
  EXPECT_EQ(body({ErrorCode::kUnprocessable, "bad rate", "sample_rate"}, 422)[0]["loc"],
            json::array({"query", "output_format"}));
  EXPECT_EQ(body({ErrorCode::kUnprocessable, "unknown language", "language"}, 422)[0]["loc"],
            json::array({"body", "language_code"}));
  EXPECT_EQ(body({ErrorCode::kResourceExhausted, "busy", ""}, 429)["status"],
            "too_many_concurrent_requests");
  EXPECT_EQ(body({ErrorCode::kUnavailable, "down", ""}, 503)["status"], "system_busy");
}

}  // namespace
}  // namespace vox::api::elevenlabs
