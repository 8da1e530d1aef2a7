#include "wyoming/voice_selection.h"

namespace vox::wyoming {
namespace {

Result<std::string> Member(const nlohmann::json& voice, const char* key) {
  auto it = voice.find(key);
  if (it == voice.end() || it->is_null()) return std::string();
  if (!it->is_string())
    return InvalidArgument(std::string("voice.") + key + " must be a string", "voice");
  return it->get<std::string>();
}

}  // namespace

Result<VoiceChoice> SelectVoice(const engines::EngineRegistry& registry,
                                const std::string& default_voice, const nlohmann::json& voice) {
  if (!voice.is_null() && !voice.is_object()) {
    return InvalidArgument("voice must be an object", "voice");
  }
  VoiceChoice choice;
  if (voice.is_null()) {
    choice.voice_id = default_voice;
    return choice;
  }
  VOX_ASSIGN_OR_RETURN(std::string name, Member(voice, "name"));
  VOX_ASSIGN_OR_RETURN(std::string speaker, Member(voice, "speaker"));
  VOX_ASSIGN_OR_RETURN(std::string language, Member(voice, "language"));
  if (!name.empty()) {
    if (!speaker.empty()) {
      if (auto ref = registry.FindVoice(name + ":" + speaker)) {
        choice.voice_id = ref->voice.id;
        return choice;
      }
    }
    VOX_ASSIGN_OR_RETURN(auto ref, registry.FindVoice(name));
    choice.voice_id = ref.voice.id;
    return choice;
  }
  if (!language.empty()) {
    VOX_ASSIGN_OR_RETURN(auto ref, registry.DefaultVoice(language));
    choice.voice_id = ref.voice.id;
    choice.language = language;
    return choice;
  }
  choice.voice_id = default_voice;
  return choice;
}

}  // namespace vox::wyoming
