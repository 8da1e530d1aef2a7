// VoiceCloner's refusals of what may not become a voice: Vox's own output (the watermark)
// and protected voices, in the samples and in the fitted clone (voice_cloner.h, steps 3-5).
#include <string>

#include "cloning/voice_cloner.h"

namespace vox::cloning {

using nlohmann::json;

Status VoiceCloner::CheckNotVoxOutput(const std::vector<audio::PcmBuffer>& decoded,
                                      std::string_view field, const CloneInput& input,
                                      const Actor& actor) {
  if (!watermark_) return {};
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    VOX_ASSIGN_OR_RETURN(const watermark::Detection found, watermark_->Detect(decoded[i]));
    if (!found.watermarked) continue;
    Audit(actor, "voice.create.refused_watermark", "",
          {{"field", field},
           {"file", i},
           {"name", input.name},
           {"sync_z", found.sync_z},
           {"confidence", found.confidence}});
    return MakeError(
        ErrorCode::kUnprocessable,
        std::string(field == "consent_audio" ? "the consent recording" : "an uploaded sample") +
            " carries this platform's watermark: it is audio Vox synthesized, not "
            "a recording of the speaker",
        std::string(field));
  }
  return {};
}

Result<std::vector<voice::ProtectedVoice>> VoiceCloner::ProtectedList() {
  VOX_ASSIGN_OR_RETURN(auto records, store_.ListProtectedVoices());
  std::vector<voice::ProtectedVoice> list;
  for (const auto& r : records) {
    auto stored = voice::Embedding::FromJson(json::parse(r.embedding, nullptr, false));
    if (!stored) return Internal("protected voice " + r.id + " has a damaged embedding");
    list.push_back({r.id, r.name, std::move(*stored)});
  }
  return list;
}

Status VoiceCloner::RefuseProtected(const voice::ProtectedMatch& match, const Actor& actor,
                                    const std::string& checked) {
  const voice::ProtectedSearchOptions options = ProtectedOptions();
  Audit(actor, "voice.create.refused_protected", "",
        {{"protected_voice_id", match.id},
         {"protected_voice_name", match.name},
         {"similarity", match.similarity},
         {"shift_cents", match.shift_cents},
         {"without_pitch", match.without_pitch},
         {"checked", checked},
         // The plain threshold only for the samples unshifted and whole; the clone's renditions
         // are all held to the normalised one (voice/clone_protected_check.h).
         {"threshold", checked == "samples" && match.shift_cents == 0 && !match.without_pitch
                           ? options.threshold
                           : options.normalized_threshold}});
  return MakeError(ErrorCode::kPermissionDenied,
                   "the uploaded voice matches a protected voice (a person whose voice may not "
                   "be cloned); the upload was refused and recorded",
                   "files");
}

voice::ProtectedSearchOptions VoiceCloner::ProtectedOptions() const {
  voice::ProtectedSearchOptions options;
  options.threshold = config_.protected_threshold;
  return options;
}

// Normalised for pitch and formants (voice/protected_search.h): a protected voice shifted a
// few semitones, or with its F0 alone moved, still matches. An encoder change makes the list
// incomparable: the search refuses (internal here), which stops cloning until the list is
// re-enrolled.
Status VoiceCloner::CheckProtected(const audio::PcmBuffer& samples, const Actor& actor) {
  if (!config_.check_protected) return {};
  VOX_ASSIGN_OR_RETURN(auto list, ProtectedList());
  if (list.empty()) return {};
  auto match = voice::FindProtectedInRecording(samples, encoder_, list, ProtectedOptions());
  if (!match) {
    if (match.error().field == "audio") return std::unexpected(match.error());
    return Internal("checking protected voices: " + match.error().message);
  }
  return *match ? RefuseProtected(**match, actor, "samples") : Status{};
}

Status VoiceCloner::CheckCloneOutput(const engines::VoiceConversion& conversion,
                                     const Actor& actor) {
  if (!config_.check_protected) return {};
  VOX_ASSIGN_OR_RETURN(auto list, ProtectedList());
  auto match = voice::FindProtectedInClone(conversion, flite_, encoder_, list, ProtectedOptions());
  if (!match)
    return Internal("checking the clone against protected voices: " + match.error().message);
  if (!*match) return {};
  return RefuseProtected((*match)->match, actor,
                         "clone at pitch " + std::to_string((*match)->pitch).substr(0, 3));
}

}  // namespace vox::cloning
