// The multipart/form-data body of POST /v1/voice/create (and of the admin's
// protected-voice upload) turned into cloning::CloneInput.
//
// Fields: name, speaker_name, description, challenge_id (text: the consent
// challenge GET /v1/voice/consent-statement issued); labels (repeated, or one
// part holding a JSON array or comma-separated list); files (one or more
// audio parts, also accepted as "files[]"); consent_audio (one audio part).
// Strict like the JSON API: an unknown or repeated text field is an error, so
// a typo ("consent_audo") is not silently ignored. Audio parts are views into
// the body, which must outlive the result.
#pragma once

#include <string_view>

#include "cloning/voice_cloner.h"
#include "common/status.h"

namespace vox::api {

// Errors: invalid_argument naming the field ("body"/"Content-Type" for a
// malformed form, "files"/"consent_audio" for an empty file part).
Result<cloning::CloneInput> ParseCloneForm(std::string_view body, std::string_view content_type);

// The protected-voice upload: name and files only.
struct ProtectedVoiceForm {
  std::string name;
  std::vector<cloning::UploadedAudio> files;
};
Result<ProtectedVoiceForm> ParseProtectedVoiceForm(std::string_view body,
                                                   std::string_view content_type);

}  // namespace vox::api
