// The multipart/form-data bodies of OpenAI's custom-voice routes, checked as the
// routes need them (the recordings' audio is judged later, by the route and the worker).
//
//   POST /v1/audio/voice_consents  name (the speaker's name, as read in Vox's consent
//                                  statement), language (BCP 47; Vox's statement and
//                                  recognizer are English: "en" or "en-…"), recording (a file)
//   POST /v1/audio/voices          name (1..256 characters), audio_sample (a file), consent
//                                  (a consent id, "cons_…"), type (optional: "audio_sample";
//                                  "prompt" voices are not supported)
//
// Strict like Vox's own clone form: an unknown or repeated field is an error naming it, so a
// typo is never silently ignored. Errors are OpenAiInvalid (param = the field, OpenAI's codes:
// missing_required_parameter, invalid_value, invalid_type, string_above_max_length, …).
// Audio parts are views into the body, which must outlive the result.
#pragma once

#include <string>
#include <string_view>

#include "cloning/upload_decoder.h"
#include "common/status.h"

namespace vox::api::openai {

inline constexpr size_t kMaxVoiceNameChars = 256;

struct ConsentForm {
  std::string name;
  std::string language;
  std::string challenge_id;  // Vox's: the consent challenge the recording reads (optional here)
  cloning::UploadedAudio recording;
};

struct VoiceForm {
  std::string name;
  std::string consent;
  cloning::UploadedAudio audio_sample;
};

Result<ConsentForm> ParseConsentForm(std::string_view body, std::string_view content_type);
Result<VoiceForm> ParseVoiceForm(std::string_view body, std::string_view content_type);

}  // namespace vox::api::openai
