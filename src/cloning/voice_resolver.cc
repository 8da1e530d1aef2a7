#include "cloning/voice_resolver.h"

#include "cloning/clone_metadata.h"
#include "common/uuid.h"

namespace vox::cloning {
namespace {

Error NoSuchVoice() { return NotFound("no such voice", "voice_id").error(); }

}  // namespace

bool IsCloneId(std::string_view voice_id) { return IsUuid(voice_id); }

std::string ResolvedVoice::EngineVoice(engines::SynthesisParams& params) const {
  if (!conversion) return id;
  params.conversion = conversion;
  return conversion->base_voice;
}

Result<std::optional<store::Voice>> VoiceResolver::CloneRow(const std::string& voice_id) const {
  if (!IsCloneId(voice_id)) return std::nullopt;
  auto voice = store_.GetVoice(voice_id);
  if (!voice) {
    if (voice.error().code == ErrorCode::kNotFound) return std::unexpected(NoSuchVoice());
    return std::unexpected(voice.error());
  }
  if (voice->kind != store::VoiceKind::kClone) return std::nullopt;
  return std::move(*voice);
}

Result<ResolvedVoice> VoiceResolver::ForSynthesis(const std::string& voice_id,
                                                  const std::optional<Caller>& caller) const {
  ResolvedVoice resolved;
  resolved.id = voice_id;
  VOX_ASSIGN_OR_RETURN(std::optional<store::Voice> row, CloneRow(voice_id));
  if (!row) return resolved;
  if (caller && row->user_id != caller->user_id) return std::unexpected(NoSuchVoice());
  switch (row->status) {
    case store::VoiceStatus::kReady:
      break;
    case store::VoiceStatus::kDeleted:
      return MakeError(ErrorCode::kUnprocessable, "the voice was deleted", "voice_id");
    case store::VoiceStatus::kRejected:
      return MakeError(ErrorCode::kUnprocessable, "the voice was rejected and cannot be used",
                       "voice_id");
    case store::VoiceStatus::kProcessing:
      return MakeError(ErrorCode::kUnprocessable, "the voice is still being processed", "voice_id");
  }
  VOX_ASSIGN_OR_RETURN(CloneSynthesisData data, ReadCloneSynthesisData(row->metadata));
  resolved.conversion =
      std::make_shared<const engines::VoiceConversion>(std::move(data.conversion));
  resolved.embedding = std::move(data.embedding);
  resolved.clone = std::move(*row);
  return resolved;
}

Result<std::optional<store::Voice>> VoiceResolver::ForManagement(const std::string& voice_id,
                                                                 const Caller& caller) const {
  VOX_ASSIGN_OR_RETURN(std::optional<store::Voice> row, CloneRow(voice_id));
  if (row && row->user_id != caller.user_id && !caller.is_admin) {
    return std::unexpected(NoSuchVoice());
  }
  return row;
}

}  // namespace vox::cloning
