#include "api/openai/voice_forms.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "api/openai/openai_errors.h"
#include "http/multipart.h"
#include "text/utf8.h"

namespace vox::api::openai {
namespace {

using http::MultipartPart;

// The fields one form takes: text fields and file fields, each at most once.
struct FormSpec {
  std::set<std::string_view> text;
  std::set<std::string_view> files;
};

struct Fields {
  std::map<std::string, std::string_view, std::less<>> text;
  std::map<std::string, cloning::UploadedAudio, std::less<>> files;
};

Result<Fields> ReadForm(std::string_view body, std::string_view content_type,
                        const FormSpec& spec) {
  if (!content_type.starts_with("multipart/form-data")) {
    return InvalidParam("", "invalid_value", "Content-Type must be multipart/form-data.");
  }
  auto parts = http::ParseMultipart(body, content_type);
  if (!parts) {
    return InvalidParam("", "invalid_value",
                        "The multipart body is malformed: " + parts.error().message);
  }
  Fields fields;
  for (const MultipartPart& part : *parts) {
    const bool is_text = spec.text.contains(part.name), is_file = spec.files.contains(part.name);
    if (!is_text && !is_file) {
      return InvalidParam(part.name, "unknown_parameter",
                          "Unrecognized request argument supplied: " + part.name + ".");
    }
    if (fields.text.contains(part.name) || fields.files.contains(part.name)) {
      return InvalidParam(part.name, "invalid_value",
                          "'" + part.name + "' is given more than once.");
    }
    if (is_text) {
      fields.text.emplace(part.name, part.content);
      continue;
    }
    if (!part.filename) {
      return InvalidParam(part.name, "invalid_type",
                          "'" + part.name + "' must be a file upload, not a text field.");
    }
    if (part.content.empty()) {
      return InvalidParam(part.name, "invalid_value", "'" + part.name + "' is an empty file.");
    }
    fields.files.emplace(part.name, cloning::UploadedAudio{*part.filename, part.content});
  }
  return fields;
}

Result<std::string> RequiredText(const Fields& fields, std::string_view name, size_t max_chars) {
  auto it = fields.text.find(name);
  if (it == fields.text.end() || it->second.empty()) {
    return InvalidParam(name, "missing_required_parameter",
                        "Missing required parameter: '" + std::string(name) + "'.");
  }
  if (!text::ValidateUtf8(it->second)) {
    return InvalidParam(name, "invalid_value", "'" + std::string(name) + "' is not valid UTF-8.");
  }
  if (text::CountCodePoints(it->second) > max_chars) {
    return InvalidParam(
        name, "string_above_max_length",
        "'" + std::string(name) + "' is longer than " + std::to_string(max_chars) + " characters.");
  }
  return std::string(it->second);
}

Result<cloning::UploadedAudio> RequiredFile(const Fields& fields, std::string_view name) {
  auto it = fields.files.find(name);
  if (it == fields.files.end()) {
    return InvalidParam(name, "missing_required_parameter",
                        "Missing required parameter: '" + std::string(name) + "'.");
  }
  return it->second;
}

// Vox's consent statement and its recognizer are English.
bool IsEnglishTag(std::string_view tag) {
  std::string lower(tag);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "en" || (lower.starts_with("en-") && lower.size() > 3);
}

}  // namespace

Result<ConsentForm> ParseConsentForm(std::string_view body, std::string_view content_type) {
  VOX_ASSIGN_OR_RETURN(
      auto fields,
      ReadForm(body, content_type, {{"name", "language", "challenge_id"}, {"recording"}}));
  ConsentForm form;
  VOX_ASSIGN_OR_RETURN(form.name, RequiredText(fields, "name", kMaxVoiceNameChars));
  VOX_ASSIGN_OR_RETURN(form.language, RequiredText(fields, "language", 35));  // BCP 47's bound
  if (!IsEnglishTag(form.language)) {
    return InvalidParam("language", "unsupported_language",
                        "Vox verifies consent recordings in English only: 'language' must be "
                        "'en' or an English tag such as 'en-US', not '" +
                            form.language + "'.");
  }
  VOX_ASSIGN_OR_RETURN(form.recording, RequiredFile(fields, "recording"));
  if (fields.text.contains("challenge_id")) {
    VOX_ASSIGN_OR_RETURN(form.challenge_id, RequiredText(fields, "challenge_id", 64));
  }
  return form;
}

Result<VoiceForm> ParseVoiceForm(std::string_view body, std::string_view content_type) {
  VOX_ASSIGN_OR_RETURN(
      auto fields, ReadForm(body, content_type, {{"name", "consent", "type"}, {"audio_sample"}}));
  if (auto type = fields.text.find("type");
      type != fields.text.end() && type->second != "audio_sample") {
    return InvalidParam("type", "invalid_value",
                        "Vox creates voices from an audio sample only: 'type' must be "
                        "'audio_sample'.");
  }
  VoiceForm form;
  VOX_ASSIGN_OR_RETURN(form.name, RequiredText(fields, "name", kMaxVoiceNameChars));
  VOX_ASSIGN_OR_RETURN(form.consent, RequiredText(fields, "consent", 64));
  VOX_ASSIGN_OR_RETURN(form.audio_sample, RequiredFile(fields, "audio_sample"));
  return form;
}

}  // namespace vox::api::openai
