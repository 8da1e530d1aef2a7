#include "engines/engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "engines/language.h"

namespace vox::engines {

Status SynthesisParams::Validate() const {
  // Written as !(in range) so NaN is rejected too.
  if (!(speed >= kMinSpeed && speed <= kMaxSpeed)) {
    return MakeError(
        ErrorCode::kUnprocessable,
        fmt::format("speed must be between {} and {}, got {}", kMinSpeed, kMaxSpeed, speed),
        "speed");
  }
  if (!(pitch >= kMinPitch && pitch <= kMaxPitch)) {
    return MakeError(
        ErrorCode::kUnprocessable,
        fmt::format("pitch must be between {} and {}, got {}", kMinPitch, kMaxPitch, pitch),
        "pitch");
  }
  if (!language.empty() && !IsWellFormedLanguageTag(language)) {
    return InvalidArgument(
        fmt::format("language '{}' is not a BCP-47 tag such as 'en', 'de' or 'pt-BR'", language),
        "language");
  }
  return {};
}

bool Engine::SupportsLanguage(const VoiceInfo& voice, std::string_view language) const {
  return language.empty() || SamePrimaryLanguage(voice.language, language);
}

std::string_view ToString(TimingGranularity granularity) {
  switch (granularity) {
    case TimingGranularity::kNone:
      return "none";
    case TimingGranularity::kWord:
      return "word";
    case TimingGranularity::kPhoneme:
      return "phoneme";
    case TimingGranularity::kCharacter:
      return "character";
  }
  return "none";
}

std::string_view ToString(StreamingGranularity granularity) {
  return granularity == StreamingGranularity::kSubSentence ? "sub-sentence" : "sentence";
}

Status Engine::SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                                const SynthesisParams& params, const AudioChunkSink& sink,
                                const CancelCheck& canceled) {
  if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer pcm, Synthesize(text, voice, params));
  if (pcm.samples.empty()) return {};
  AudioChunk chunk;
  chunk.pcm = std::move(pcm);
  return sink(std::move(chunk));
}

EngineCapabilities Engine::capabilities() const {
  EngineCapabilities caps;
  for (const VoiceInfo& v : voices()) {
    caps.voices.push_back(v.id);
    if (std::find(caps.languages.begin(), caps.languages.end(), v.language) ==
        caps.languages.end()) {
      caps.languages.push_back(v.language);
    }
  }
  return caps;
}

Result<audio::PcmBuffer> Engine::CollectStream(std::string_view text, const VoiceInfo& voice,
                                               const SynthesisParams& params) {
  audio::PcmBuffer out;
  out.sample_rate = voice.sample_rate;
  out.channels = 1;
  VOX_RETURN_IF_ERROR(SynthesizeStream(text, voice, params, [&](AudioChunk&& chunk) -> Status {
    out.sample_rate = chunk.pcm.sample_rate;
    out.samples.insert(out.samples.end(), chunk.pcm.samples.begin(), chunk.pcm.samples.end());
    return {};
  }));
  return out;
}

}  // namespace vox::engines
