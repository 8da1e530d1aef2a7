// OpenAI's custom-voice forms: one case per line, each naming the param OpenAI's error carries.
#include "api/openai/voice_forms.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/openai/openai_errors.h"

namespace vox::api::openai {
namespace {

constexpr char kBoundary[] = "oai-form-boundary";
constexpr char kType[] = "multipart/form-data; boundary=oai-form-boundary";

struct Field {
  std::string name, value;
  bool file = false;
};

std::string Form(const std::vector<Field>& fields) {
  std::string body;
  for (const Field& f : fields) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + f.name +
            "\"";
    if (f.file) body += "; filename=\"" + f.name + ".wav\"\r\nContent-Type: audio/wav";
    body += "\r\n\r\n" + f.value + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

// The error as the OpenAI front end answers it.
nlohmann::json ErrorOf(const Error& e) {
  return nlohmann::json::parse(OpenAiErrorResponse(e).body)["error"];
}

const Field kName{"name", "Jane Doe"}, kLanguage{"language", "en-US"},
    kRecording{"recording", "RIFF....", true};
const Field kVoiceName{"name", "Jane's voice"}, kConsent{"consent", "cons_0123"},
    kSample{"audio_sample", "RIFF....", true};

TEST(OpenAiVoiceForms, ConsentFormParses) {
  auto form = ParseConsentForm(Form({kName, kLanguage, kRecording}), kType);
  ASSERT_TRUE(form) << form.error().ToString();
  EXPECT_EQ(form->name, "Jane Doe");
  EXPECT_EQ(form->language, "en-US");
  EXPECT_EQ(form->recording.bytes, "RIFF....");
  EXPECT_EQ(form->recording.filename, "recording.wav");
  EXPECT_TRUE(ParseConsentForm(Form({kName, {"language", "EN"}, kRecording}), kType));
}

TEST(OpenAiVoiceForms, VoiceFormParses) {
  auto form = ParseVoiceForm(Form({kVoiceName, kConsent, kSample}), kType);
  ASSERT_TRUE(form) << form.error().ToString();
  EXPECT_EQ(form->name, "Jane's voice");
  EXPECT_EQ(form->consent, "cons_0123");
  EXPECT_EQ(form->audio_sample.bytes, "RIFF....");
  EXPECT_TRUE(
      ParseVoiceForm(Form({kVoiceName, kConsent, kSample, {"type", "audio_sample"}}), kType));
}

struct BadCase {
  std::vector<Field> fields;
  std::string param;  // "" for null
  std::string code;
};

TEST(OpenAiVoiceForms, BadConsentFormsNameTheParam) {
  const std::vector<BadCase> cases = {
      {{kLanguage, kRecording}, "name", "missing_required_parameter"},
      {{{"name", ""}, kLanguage, kRecording}, "name", "missing_required_parameter"},
      {{{"name", std::string(257, 'a')}, kLanguage, kRecording}, "name", "string_above_max_length"},
      {{{"name", "\xff\xfe"}, kLanguage, kRecording}, "name", "invalid_value"},
      {{kName, kRecording}, "language", "missing_required_parameter"},
      {{kName, {"language", "de-DE"}, kRecording}, "language", "unsupported_language"},
      {{kName, {"language", "eng"}, kRecording}, "language", "unsupported_language"},
      {{kName, {"language", "en-"}, kRecording}, "language", "unsupported_language"},
      {{kName, kLanguage}, "recording", "missing_required_parameter"},
      {{kName, kLanguage, {"recording", "not a file"}}, "recording", "invalid_type"},
      {{kName, kLanguage, {"recording", "", true}}, "recording", "invalid_value"},
      {{kName, kName, kLanguage, kRecording}, "name", "invalid_value"},
      {{kName, kLanguage, kRecording, kRecording}, "recording", "invalid_value"},
      {{kName, kLanguage, kRecording, {"speaker", "x"}}, "speaker", "unknown_parameter"},
      {{kName, kLanguage, kRecording, {"audio_sample", "x", true}},
       "audio_sample",
       "unknown_parameter"},
  };
  for (const BadCase& c : cases) {
    auto form = ParseConsentForm(Form(c.fields), kType);
    ASSERT_FALSE(form) << Form(c.fields);
    const auto error = ErrorOf(form.error());
    EXPECT_EQ(error["param"], c.param.empty() ? nlohmann::json() : nlohmann::json(c.param))
        << error.dump();
    EXPECT_EQ(error["code"], c.code) << error.dump();
    EXPECT_EQ(error["type"], "invalid_request_error");
  }
}

TEST(OpenAiVoiceForms, BadVoiceFormsNameTheParam) {
  const std::vector<BadCase> cases = {
      {{kConsent, kSample}, "name", "missing_required_parameter"},
      {{kVoiceName, kSample}, "consent", "missing_required_parameter"},
      {{kVoiceName, {"consent", std::string(65, 'c')}, kSample},
       "consent",
       "string_above_max_length"},
      {{kVoiceName, kConsent}, "audio_sample", "missing_required_parameter"},
      {{kVoiceName, kConsent, {"audio_sample", "x"}}, "audio_sample", "invalid_type"},
      {{kVoiceName, kConsent, {"audio_sample", "", true}}, "audio_sample", "invalid_value"},
      {{kVoiceName, kConsent, kSample, {"type", "prompt"}}, "type", "invalid_value"},
      {{kVoiceName, kConsent, kSample, {"prompt", "a warm voice"}}, "prompt", "unknown_parameter"},
      {{kVoiceName, kConsent, kConsent, kSample}, "consent", "invalid_value"},
      {{kVoiceName, kConsent, kSample, {"recording", "x", true}}, "recording", "unknown_parameter"},
  };
  for (const BadCase& c : cases) {
    auto form = ParseVoiceForm(Form(c.fields), kType);
    ASSERT_FALSE(form) << Form(c.fields);
    const auto error = ErrorOf(form.error());
    EXPECT_EQ(error["param"], nlohmann::json(c.param)) << error.dump();
    EXPECT_EQ(error["code"], c.code) << error.dump();
  }
}

TEST(OpenAiVoiceForms, BodiesThatAreNotFormsAreRefused) {
  const std::string good = Form({kName, kLanguage, kRecording});
  for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
           {R"({"name":"Jane Doe"})", "application/json"},
           {good, "multipart/form-data"},  // no boundary
           {"--oai-form-boundary\r\nContent-Disposition: form-data; name=\"name\"\r\n", kType},
           {good.substr(0, good.size() / 2), kType}}) {
    auto consent = ParseConsentForm(body, type);
    ASSERT_FALSE(consent) << type;
    EXPECT_EQ(ErrorOf(consent.error())["type"], "invalid_request_error");
    EXPECT_FALSE(ParseVoiceForm(body, type)) << type;
  }
}

}  // namespace
}  // namespace vox::api::openai
