// The `info` answer to `describe`: one TTS program, "vox", with every voice
// of the engine registry, shaped as rhasspy/wyoming's Info/TtsProgram/TtsVoice
// serialize (name, attribution {name, url}, installed, description, version,
// languages, speakers [{name}]).
#pragma once

#include <nlohmann/json.hpp>

#include "engines/engine_registry.h"

namespace vox::wyoming {

// Built once at start (the registry is immutable). A voice id "BASE:SPEAKER"
// whose BASE is also a voice (Piper's multi-speaker packages) is listed as a
// speaker of BASE rather than as a voice of its own.
nlohmann::json BuildInfoData(const engines::EngineRegistry& registry);

}  // namespace vox::wyoming
