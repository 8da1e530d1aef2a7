#include "api/clone_form.h"

#include <nlohmann/json.hpp>
#include <set>

#include "http/multipart.h"

namespace vox::api {
namespace {

using http::MultipartPart;

bool IsFilesPart(const std::string& name) { return name == "files" || name == "files[]"; }

Result<cloning::UploadedAudio> AudioPart(const MultipartPart& part, const std::string& field,
                                         size_t index) {
  if (part.content.empty()) {
    return InvalidArgument(field + "[" + std::to_string(index) + "] is empty", field);
  }
  return cloning::UploadedAudio{part.filename.value_or(""), part.content};
}

// "a, b" or ["a","b"] -> labels, trimmed, empties dropped.
Result<std::vector<std::string>> SplitLabels(std::string_view value) {
  std::vector<std::string> out;
  if (!value.empty() && value.front() == '[') {
    auto parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_array()) return InvalidArgument("labels is not a JSON array", "labels");
    for (const auto& item : parsed) {
      if (!item.is_string()) return InvalidArgument("labels must be strings", "labels");
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view label = value.substr(start, comma - start);
    while (!label.empty() && label.front() == ' ') label.remove_prefix(1);
    while (!label.empty() && label.back() == ' ') label.remove_suffix(1);
    if (!label.empty()) out.emplace_back(label);
    start = comma + 1;
  }
  return out;
}

Result<std::vector<MultipartPart>> Parts(std::string_view body, std::string_view content_type) {
  if (!content_type.starts_with("multipart/form-data")) {
    return InvalidArgument("Content-Type must be multipart/form-data", "Content-Type");
  }
  return http::ParseMultipart(body, content_type);
}

// A text field may appear once.
Status TakeText(const MultipartPart& part, std::set<std::string>& seen, std::string& out) {
  if (!seen.insert(part.name).second) {
    return InvalidArgument(part.name + " is given more than once", part.name);
  }
  out.assign(part.content);
  return {};
}

}  // namespace

Result<cloning::CloneInput> ParseCloneForm(std::string_view body, std::string_view content_type) {
  VOX_ASSIGN_OR_RETURN(auto parts, Parts(body, content_type));
  cloning::CloneInput in;
  std::set<std::string> seen;
  for (const MultipartPart& part : parts) {
    if (IsFilesPart(part.name)) {
      VOX_ASSIGN_OR_RETURN(auto audio, AudioPart(part, "files", in.files.size()));
      in.files.push_back(audio);
    } else if (part.name == "consent_audio") {
      if (in.consent_audio) return InvalidArgument("consent_audio is given more than once", "consent_audio");
      VOX_ASSIGN_OR_RETURN(in.consent_audio, AudioPart(part, "consent_audio", 0));
    } else if (part.name == "labels") {
      VOX_ASSIGN_OR_RETURN(auto labels, SplitLabels(part.content));
      in.labels.insert(in.labels.end(), labels.begin(), labels.end());
    } else if (part.name == "name") {
      VOX_RETURN_IF_ERROR(TakeText(part, seen, in.name));
    } else if (part.name == "speaker_name") {
      VOX_RETURN_IF_ERROR(TakeText(part, seen, in.speaker_name));
    } else if (part.name == "description") {
      VOX_RETURN_IF_ERROR(TakeText(part, seen, in.description));
    } else if (part.name == "challenge_id") {
      VOX_RETURN_IF_ERROR(TakeText(part, seen, in.challenge_id));
    } else {
      return InvalidArgument("unknown field \"" + part.name + "\"", part.name);
    }
  }
  if (in.name.empty()) return InvalidArgument("name is required", "name");
  if (in.files.empty()) return InvalidArgument("at least one audio part \"files\" is required", "files");
  return in;
}

Result<ProtectedVoiceForm> ParseProtectedVoiceForm(std::string_view body,
                                                   std::string_view content_type) {
  VOX_ASSIGN_OR_RETURN(auto parts, Parts(body, content_type));
  ProtectedVoiceForm form;
  std::set<std::string> seen;
  for (const MultipartPart& part : parts) {
    if (IsFilesPart(part.name)) {
      VOX_ASSIGN_OR_RETURN(auto audio, AudioPart(part, "files", form.files.size()));
      form.files.push_back(audio);
    } else if (part.name == "name") {
      VOX_RETURN_IF_ERROR(TakeText(part, seen, form.name));
    } else {
      return InvalidArgument("unknown field \"" + part.name + "\"", part.name);
    }
  }
  if (form.name.empty()) return InvalidArgument("name is required", "name");
  if (form.files.empty()) return InvalidArgument("at least one audio part \"files\" is required", "files");
  return form;
}

}  // namespace vox::api
