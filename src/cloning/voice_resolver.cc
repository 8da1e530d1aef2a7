#include "cloning/voice_resolver.h"

#include "cloning/clone_metadata.h"
#include "common/uuid.h"

namespace vox::cloning {
namespace {

Error NoSuchVoice() { return NotFound("no such voice", "voice_id").error(); }

}  // namespace

bool IsCloneId(std::string_view voice_id) { return IsUuid(voice_id); }

Status SynthesisAllowed(store::VoiceStatus status) {
  auto refused = [](const char* why) {
    return MakeError(ErrorCode::kUnprocessable, why, "voice_id");
  };
  switch (status) {
    case store::VoiceStatus::kReady:
      return {};
    case store::VoiceStatus::kDeleted:
      return refused("the voice was deleted");
    case store::VoiceStatus::kRejected:
      return refused("the voice was rejected and cannot be used");
    case store::VoiceStatus::kProcessing:
      return refused("the voice is still being processed");
    case store::VoiceStatus::kRevoked:
      return refused(
          "consent revoked: the speaker withdrew consent and this voice no longer speaks");
  }
  return Internal("unknown voice status");
}

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
  VOX_RETURN_IF_ERROR(SynthesisAllowed(row->status));
  VOX_ASSIGN_OR_RETURN(CloneSynthesisData data, ReadCloneSynthesisData(row->metadata));
  resolved.conversion =
      std::make_shared<const engines::VoiceConversion>(std::move(data.conversion));
  resolved.embedding = std::move(data.embedding);
  resolved.clone = std::move(*row);
  return resolved;
}

Status VoiceResolver::StillSpeaks(const std::string& clone_id) const {
  VOX_ASSIGN_OR_RETURN(std::optional<store::Voice> row, CloneRow(clone_id));
  return row ? SynthesisAllowed(row->status) : Status{};
}

Status SentenceGuard::Check(size_t sentence) {
  if (clone_id_.empty() || checked_ == sentence) return {};
  checked_ = sentence;
  return VoiceResolver(store_).StillSpeaks(clone_id_);
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
