#include "engines/engine.h"

#include <fmt/format.h>

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

}  // namespace vox::engines
