#include "piper/voice_id.h"

#include <fmt/format.h>

#include "text/utf8.h"

namespace vox::piper {

bool IsValidModelName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsValidSpeakerName(std::string_view speaker) {
  if (speaker.empty() || speaker.size() > 128 || !text::ValidateUtf8(speaker)) return false;
  for (unsigned char c : speaker) {
    if (c <= 0x20 || c == 0x7f || c == ':' || c == '/' || c == '\\') return false;
  }
  return true;
}

Result<VoiceIdParts> ParseVoiceId(std::string_view voice_id) {
  auto invalid = [&](std::string_view why) {
    return InvalidArgument(
        fmt::format("'{}' is not a Piper voice id ({}); expected piper-NAME or "
                    "piper-NAME:SPEAKER",
                    text::ValidateUtf8(voice_id) ? voice_id : "(not UTF-8)", why),
        "voice");
  };
  if (!voice_id.starts_with(kVoiceIdPrefix)) return invalid("no piper- prefix");
  std::string_view rest = voice_id.substr(kVoiceIdPrefix.size());
  VoiceIdParts parts;
  const std::size_t colon = rest.find(':');
  parts.name = std::string(rest.substr(0, colon));
  if (!IsValidModelName(parts.name)) return invalid("the name may hold only A-Z a-z 0-9 . _ -");
  if (colon != std::string_view::npos) {
    parts.speaker = std::string(rest.substr(colon + 1));
    if (!IsValidSpeakerName(parts.speaker)) return invalid("bad speaker");
  }
  return parts;
}

std::string MakeVoiceId(std::string_view name, std::string_view speaker) {
  std::string id = fmt::format("{}{}", kVoiceIdPrefix, name);
  if (!speaker.empty()) id += fmt::format(":{}", speaker);
  return id;
}

}  // namespace vox::piper
