// Which Vox voice a Wyoming `voice` object asks for.
//
// Wyoming's rules: a name (a voice from `info`) overrides the language; a
// speaker picks one speaker of a multi-speaker voice. Vox spells a speaker as
// the voice id "NAME:SPEAKER", so {name, speaker} becomes that id when it
// exists; an unknown speaker falls back to the voice's default speaker, as
// wyoming-piper does. An unknown name is an error (kNotFound, field "voice"):
// speaking in another voice than the one asked for would hide a misconfigured
// client. With a language only, the registry's voice for that language; with
// neither, the configured default voice.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "engines/engine_registry.h"

namespace vox::wyoming {

struct VoiceChoice {
  std::string voice_id;  // a Vox voice id; empty: the registry's default for `language`
  std::string language;  // BCP-47 or empty
};

// `voice` is the event's "voice" value (absent: null). kInvalidArgument when
// it is not an object or a member is not a string.
Result<VoiceChoice> SelectVoice(const engines::EngineRegistry& registry,
                                const std::string& default_voice, const nlohmann::json& voice);

}  // namespace vox::wyoming
