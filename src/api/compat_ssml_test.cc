// VOX_COMPAT_SSML on the compatible routes' bodies: when a text is SSML, and each route's
// refusal of a malformed document in its own shape, naming the position.
#include "api/compat_ssml.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/elevenlabs/elevenlabs_errors.h"
#include "api/elevenlabs/tts_request.h"
#include "api/openai/openai_errors.h"
#include "api/openai/speech_request.h"

namespace vox::api {
namespace {

using nlohmann::json;

constexpr const char* kDocument = R"(<speak>One<break time="2s"/>two</speak>)";
// The <break> is not closed: expat stops at the </speak> that does not match it.
constexpr const char* kMalformed = R"(<speak>One<break time="2s">two</speak>)";

std::string OpenAiBody(const std::string& input) {
  return json{{"model", "tts-1"}, {"voice", "alloy"}, {"input", input}}.dump();
}
std::string ElevenLabsBody(const std::string& text) { return json{{"text", text}}.dump(); }

TEST(CompatSsml, OnlyATextOpeningWithASpeakTagIsSsml) {
  for (const char* text : {"<speak>Hi</speak>", "  \n\t<speak>Hi</speak>", "<speak/>",
                           "<speak\nversion=\"1.0\">Hi</speak>", "<speak"}) {
    EXPECT_TRUE(StartsAsSsml(text)) << text;
  }
  for (const char* text : {"Hi <speak>there</speak>", "<speaker>Hi</speaker>", "speak", "", "   ",
                           "<p>Hi</p>", "x<speak>Hi</speak>"}) {
    EXPECT_FALSE(StartsAsSsml(text)) << text;
  }
}

TEST(CompatSsml, OffReadsEveryTextAsText) {
  auto r = CompatTextIsSsml(kMalformed, false);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  auto openai = openai::ParseSpeechRequest(OpenAiBody(kMalformed));  // the default is off
  ASSERT_TRUE(openai) << openai.error().ToString();
  EXPECT_FALSE(openai->ssml);
  EXPECT_EQ(openai->input, kMalformed);
  auto eleven = elevenlabs::ParseTtsRequest(ElevenLabsBody(kMalformed), false);
  ASSERT_TRUE(eleven) << eleven.error().ToString();
  EXPECT_FALSE(eleven->ssml);
}

TEST(CompatSsml, OnADocumentIsSsmlAfterLeadingWhitespace) {
  for (const std::string text : {std::string(kDocument), "\n  " + std::string(kDocument)}) {
    auto openai = openai::ParseSpeechRequest(OpenAiBody(text), true);
    ASSERT_TRUE(openai) << openai.error().ToString();
    EXPECT_TRUE(openai->ssml);
    EXPECT_EQ(openai->input, text);  // as sent: timestamps point into it
    auto eleven = elevenlabs::ParseTtsRequest(ElevenLabsBody(text), true);
    ASSERT_TRUE(eleven) << eleven.error().ToString();
    EXPECT_TRUE(eleven->ssml);
    EXPECT_EQ(eleven->text, text);
  }
}

TEST(CompatSsml, OnATextThatOnlyContainsSpeakLaterIsText) {
  // Not even parsed: this would be malformed as a document.
  const std::string text = "Type <speak> to start, and <break time=\"2s\"> to pause.";
  auto openai = openai::ParseSpeechRequest(OpenAiBody(text), true);
  ASSERT_TRUE(openai) << openai.error().ToString();
  EXPECT_FALSE(openai->ssml);
  auto eleven = elevenlabs::ParseTtsRequest(ElevenLabsBody(text), true);
  ASSERT_TRUE(eleven) << eleven.error().ToString();
  EXPECT_FALSE(eleven->ssml);
}

TEST(CompatSsml, OpenAiRefusesAMalformedDocumentAs400OnInputWithItsPosition) {
  for (const char* text : {kMalformed, "<speak><shout>Hi</shout></speak>",
                           "<speak>One<break time=\"20s\"/></speak>", "<speak>One"}) {
    auto r = openai::ParseSpeechRequest(OpenAiBody(text), true);
    ASSERT_FALSE(r) << text;
    http::Response response = openai::OpenAiErrorResponse(r.error());
    EXPECT_EQ(response.status, 400) << text;
    const json error = json::parse(response.body)["error"];
    EXPECT_EQ(error["type"], "invalid_request_error");
    EXPECT_EQ(error["param"], "input");
    EXPECT_EQ(error["code"], "invalid_value");
    const std::string message = error["message"];
    EXPECT_TRUE(message.starts_with("Invalid 'input': SSML line 1, column ")) << message;
  }
  // The position is the document's: line 2 here.
  auto r = openai::ParseSpeechRequest(OpenAiBody("<speak>\n  <shout>Hi</shout></speak>"), true);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("SSML line 2, column 3"), std::string::npos)
      << r.error().message;
}

TEST(CompatSsml, ElevenLabsRefusesAMalformedDocumentAs422OnBodyTextWithItsPosition) {
  for (const char* text : {kMalformed, "<speak><shout>Hi</shout></speak>", "<speak>One"}) {
    auto r = elevenlabs::ParseTtsRequest(ElevenLabsBody(text), true);
    ASSERT_FALSE(r) << text;
    http::Response response = elevenlabs::ErrorResponse(r.error());
    EXPECT_EQ(response.status, 422) << text;
    const json detail = json::parse(response.body)["detail"];
    ASSERT_TRUE(detail.is_array() && detail.size() == 1) << response.body;
    EXPECT_EQ(detail[0]["type"], "value_error");
    EXPECT_EQ(detail[0]["loc"], json::array({"body", "text"}));
    const std::string message = detail[0]["msg"];
    EXPECT_TRUE(message.starts_with("SSML line 1, column ")) << message;
  }
}

TEST(CompatSsml, TheRoutesLengthLimitsCountTheMarkup) {
  // 4,096 characters of OpenAI input: a document whose text alone would fit is refused.
  const std::string open = "<speak>", close = "</speak>";
  const std::string text = open + std::string(4096 - open.size() - close.size() + 1, 'a') + close;
  auto r = openai::ParseSpeechRequest(OpenAiBody(text), true);
  ASSERT_FALSE(r);
  EXPECT_EQ(json::parse(openai::OpenAiErrorResponse(r.error()).body)["error"]["code"],
            "string_above_max_length");
}

}  // namespace
}  // namespace vox::api
