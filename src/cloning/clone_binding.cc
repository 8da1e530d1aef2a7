#include "cloning/clone_binding.h"

#include "cloning/clone_metadata.h"
#include "common/uuid.h"

namespace vox::cloning {

Result<std::optional<CloneBinding>> BindCloneVoice(store::Store& store, const std::string& voice_id,
                                                   const std::optional<std::string>& owner) {
  if (!IsUuid(voice_id)) return std::nullopt;  // built-in ids are names ("flite-slt")
  auto voice = store.GetVoice(voice_id);
  if (!voice) {
    if (voice.error().code == ErrorCode::kNotFound) return NotFound("no such voice", "voice_id");
    return std::unexpected(voice.error());
  }
  if (voice->kind != store::VoiceKind::kClone) return std::nullopt;
  if (owner && voice->user_id != owner) return NotFound("no such voice", "voice_id");
  switch (voice->status) {
    case store::VoiceStatus::kReady:
      break;
    case store::VoiceStatus::kDeleted:
      return MakeError(ErrorCode::kUnprocessable, "the voice was deleted", "voice_id");
    case store::VoiceStatus::kRejected:
      return MakeError(ErrorCode::kUnprocessable, "the voice was rejected and cannot be used",
                       "voice_id");
    case store::VoiceStatus::kProcessing:
      return MakeError(ErrorCode::kUnprocessable, "the voice is still being processed",
                       "voice_id");
  }
  VOX_ASSIGN_OR_RETURN(CloneSynthesisData data, ReadCloneSynthesisData(voice->metadata));
  CloneBinding binding;
  binding.base_voice = data.conversion.base_voice;
  binding.conversion = std::make_shared<const engines::VoiceConversion>(std::move(data.conversion));
  binding.embedding = std::move(data.embedding);
  binding.voice = std::move(*voice);
  return binding;
}

std::string EngineVoice(const std::optional<CloneBinding>& clone, const std::string& voice_id,
                        engines::SynthesisParams& params) {
  if (!clone) return voice_id;
  params.conversion = clone->conversion;
  return clone->base_voice;
}

}  // namespace vox::cloning
