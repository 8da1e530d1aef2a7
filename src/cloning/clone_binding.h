// Binding a request's voice_id to a cloned voice: which built-in voice to
// synthesize with, and the conversion that turns it into the clone.
//
// The API (at submit), the worker (at run) and `vox synth` all call this, so
// a clone works everywhere a built-in voice does and is refused the same way
// everywhere once deleted or rejected.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "engines/engine.h"
#include "engines/voice_conversion.h"
#include "store/store.h"
#include "voice/speaker_encoder.h"

namespace vox::cloning {

struct CloneBinding {
  store::Voice voice;       // the clone's row
  std::string base_voice;   // the built-in voice id the engine synthesizes with
  std::shared_ptr<const engines::VoiceConversion> conversion;
  voice::Embedding embedding;  // of the processed sample: the reference for similarity
};

// nullopt when `voice_id` is not a clone (not a UUID, or a built-in row): the
// engine registry resolves it. For a clone: the owner must be `owner` unless
// `owner` is nullopt (admins, workers running an accepted job, the local CLI);
// another user's clone is "no such voice" (kNotFound, field "voice_id") so
// ids leak nothing. A deleted, rejected or not yet ready clone is
// kUnprocessable naming "voice_id"; a damaged row is kInternal.
Result<std::optional<CloneBinding>> BindCloneVoice(store::Store& store, const std::string& voice_id,
                                                   const std::optional<std::string>& owner);

// The voice id to hand the engines: the clone's base voice, with its
// conversion set on `params`; or `voice_id` itself when `clone` is nullopt.
std::string EngineVoice(const std::optional<CloneBinding>& clone, const std::string& voice_id,
                        engines::SynthesisParams& params);

}  // namespace vox::cloning
