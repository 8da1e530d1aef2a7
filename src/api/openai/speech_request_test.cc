// OpenAI /v1/audio/speech: body rules, error shape and the voice table, one case per line.
#include "api/openai/speech_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/openai/openai_errors.h"
#include "api/openai/voice_table.h"

namespace vox::api::openai {
namespace {

using nlohmann::json;

struct BadCase {
  std::string body;
  std::string param;  // "" for null
  std::string code;
};

TEST(OpenAiSpeechRequest, BadBodiesNameTheParam) {
  const std::string long_input(4097, 'a');
  const std::vector<BadCase> cases = {
      {R"({"model":"tts-1","voice":"alloy"})", "input", "missing_required_parameter"},
      {R"({"input":"hi","voice":"alloy"})", "model", "missing_required_parameter"},
      {R"({"model":"tts-1","input":"hi"})", "voice", "missing_required_parameter"},
      {R"({"model":"tts-1","input":")" + long_input + R"(","voice":"alloy"})", "input",
       "string_above_max_length"},
      {R"({"model":"tts-1","input":"  ","voice":"alloy"})", "input", "empty_string"},
      {R"({"model":"tts-1","input":"hi","voice":"alloy","speed":5})", "speed",
       "decimal_above_max_value"},
      {R"({"model":"tts-1","input":"hi","voice":"alloy","speed":0.1})", "speed",
       "decimal_below_min_value"},
      {R"({"model":"tts-1","input":"hi","voice":"alloy","speed":"fast"})", "speed", "invalid_type"},
      {R"({"model":"tts-1","input":"hi","voice":"alloy","response_format":"ogg"})",
       "response_format", "invalid_value"},
      {R"({"model":"tts-1","input":"hi","voice":"alloy","stream_format":"ws"})", "stream_format",
       "invalid_value"},
      {R"({"model":"tts-1","input":"hi","voice":{"name":"x"}})", "voice", "invalid_type"},
      {R"({"model":"tts-1","input":7,"voice":"alloy"})", "input", "invalid_type"},
      {R"(not json)", "", "invalid_json"},
  };
  for (const auto& c : cases) {
    auto r = ParseSpeechRequest(c.body);
    ASSERT_FALSE(r) << c.body.substr(0, 80);
    http::Response resp = OpenAiErrorResponse(r.error());
    EXPECT_EQ(resp.status, 400) << c.body.substr(0, 80);
    json err = json::parse(resp.body)["error"];
    EXPECT_EQ(err["type"], "invalid_request_error");
    EXPECT_EQ(err["code"], c.code) << c.body.substr(0, 80);
    EXPECT_EQ(err["param"], c.param.empty() ? json(nullptr) : json(c.param))
        << c.body.substr(0, 80);
    EXPECT_FALSE(err["message"].get<std::string>().empty());
  }
}

TEST(OpenAiSpeechRequest, GoodBodies) {
  auto r = ParseSpeechRequest(
      R"({"model":"gpt-4o-mini-tts","input":"Hello.","voice":{"id":"abc"},"instructions":"cheerful","response_format":"pcm","speed":4.0,"stream_format":"sse","extra":1})");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->voice, "abc");
  EXPECT_TRUE(r->voice_is_id);
  EXPECT_EQ(r->response_format, "pcm");
  EXPECT_EQ(r->stream_format, "sse");
  EXPECT_DOUBLE_EQ(r->speed, 4.0);
  auto d = ParseSpeechRequest(R"({"model":"tts-1","input":"Hi","voice":"alloy"})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->response_format, "mp3");
  EXPECT_EQ(d->stream_format, "audio");
  // 4,096 characters (not bytes) is the limit.
  std::string snowmen;
  for (int i = 0; i < 4096; ++i) snowmen += "\u2603";
  EXPECT_TRUE(
      ParseSpeechRequest(json{{"model", "tts-1"}, {"input", snowmen}, {"voice", "alloy"}}.dump()));
}

TEST(OpenAiVoiceTable, DefaultsOverridesAndPassThrough) {
  auto t = VoiceTable::Create("echo=espeak-en-us, Nova = flite-awb");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->Resolve("alloy"), "flite-slt");
  EXPECT_EQ(t->Resolve("ALLOY"), "flite-slt");
  EXPECT_EQ(t->Resolve("echo"), "espeak-en-us");
  EXPECT_EQ(t->Resolve("nova"), "flite-awb");
  EXPECT_EQ(t->Resolve("flite-kal"), "flite-kal");  // any Vox voice id
  for (const char* name : {"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova",
                           "sage", "shimmer", "verse", "marin", "cedar"}) {
    EXPECT_TRUE(t->entries().contains(name)) << name;
  }
  EXPECT_EQ(VoiceTable::Create("alloy").error().field, "VOX_OPENAI_VOICES");
  EXPECT_EQ(VoiceTable::Create("=x").error().field, "VOX_OPENAI_VOICES");
  EXPECT_TRUE(IsKnownModel("tts-1-hd"));
  EXPECT_TRUE(IsKnownModel("gpt-4o-mini-tts-2025-03-20"));
  EXPECT_FALSE(IsKnownModel("whisper-1"));
}

TEST(OpenAiErrors, PipelineErrorsMapToParams) {
  json e = json::parse(OpenAiErrorResponse(Error{ErrorCode::kNotFound, "no voice", "voice"}).body);
  EXPECT_EQ(e["error"]["param"], "voice");
  e = json::parse(OpenAiErrorResponse(Error{ErrorCode::kUnauthenticated, "bad", ""}).body);
  EXPECT_EQ(e["error"]["code"], "invalid_api_key");
  EXPECT_EQ(OpenAiErrorResponse(Error{ErrorCode::kUnavailable, "db down", ""}).status, 503);
}

}  // namespace
}  // namespace vox::api::openai
