// Piper voice ids: "piper-NAME" for a voice package, "piper-NAME:SPEAKER" for
// one speaker of a multi-speaker voice (SPEAKER: a name from its
// speaker_id_map, or the speaker's number).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::piper {

inline constexpr std::string_view kVoiceIdPrefix = "piper-";

// A package name is a file name stem: ASCII letters, digits, '.', '_', '-',
// not starting with '.', at most 128 bytes ("en_US-lessac-medium").
bool IsValidModelName(std::string_view name);

// A speaker part: 1..128 bytes of valid UTF-8 without control characters,
// spaces, ':', '/' or '\'.
bool IsValidSpeakerName(std::string_view speaker);

struct VoiceIdParts {
  std::string name;     // the package
  std::string speaker;  // empty: the package's default speaker
};

// InvalidArgument (field "voice") for anything that is not a well-formed
// Piper voice id, path characters included; NotFound is the resolver's job.
Result<VoiceIdParts> ParseVoiceId(std::string_view voice_id);

std::string MakeVoiceId(std::string_view name, std::string_view speaker = {});

}  // namespace vox::piper
