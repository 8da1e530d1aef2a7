// An engine that can carry a cloned voice: SynthesisParams::conversion, a
// parameter-level voice conversion (voice_conversion.h) of one of its voices.
//
// Voice cloning asks the registry's engines for this interface through
// Engine::voice_conversion() instead of downcasting to a concrete engine, so a
// later engine (a neural one) can offer conversion too.
#pragma once

#include <optional>
#include <string_view>

#include "engines/engine.h"

namespace vox::engines {

class VoiceConversionEngine : public Engine {
 public:
  VoiceConversionEngine* voice_conversion() override { return this; }

  // The all-pass constant (MLSA alpha) of a base voice's mel-cepstrum, which a
  // conversion fits its bias on; nullopt for voices that cannot be converted.
  virtual std::optional<double> MelCepstrumAlpha(std::string_view voice_id) const = 0;
};

}  // namespace vox::engines
