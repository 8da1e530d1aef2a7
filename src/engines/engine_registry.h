// EngineRegistry: owns the loaded engines and answers "which voice, which engine".
//
// It lists every voice (optionally for one language), resolves a voice id or a
// short alias ("slt" -> "flite-slt", "de" -> "espeak-de") to its engine, and
// picks a voice when a request names none: English goes to flite-slt, other
// languages to the espeak voice for that language (RFC 4647 lookup, so
// "de-AT" gets espeak-de). Immutable after creation; all methods are
// thread-safe, and so are the engines they hand out.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "engines/engine.h"
#include "engines/engines_config.h"

namespace vox::engines {

// A resolved voice: the engine that serves it and its manifest (owned by the engine).
struct VoiceRef {
  Engine& engine;
  const VoiceInfo& voice;
};

class EngineRegistry {
 public:
  // Validates `config` and loads the enabled engines (flite first, then
  // espeak-ng), then appends `extra` (engines built elsewhere: Piper voices).
  static Result<std::unique_ptr<EngineRegistry>> Create(
      const EnginesConfig& config, std::vector<std::unique_ptr<Engine>> extra = {});

  // Takes already-built engines (tests, future engines). Voice ids must be unique.
  static Result<std::unique_ptr<EngineRegistry>> FromEngines(
      std::vector<std::unique_ptr<Engine>> engines);

  const std::vector<std::unique_ptr<Engine>>& engines() const { return engines_; }

  // The first engine that can carry a cloned voice (Engine::voice_conversion()),
  // or nullptr when none is loaded.
  VoiceConversionEngine* voice_conversion_engine() const;

  // All voices in registry order; with a language, those whose own language it
  // covers (RFC 4647 filtering: "en" lists en-US and en-GB voices).
  std::vector<VoiceInfo> ListVoices(std::string_view language = {}) const;

  // By id or alias, case-insensitively. NotFound (field "voice") names some valid ids.
  Result<VoiceRef> FindVoice(std::string_view id) const;

  // The voice for a language when the request names none; empty means English.
  // kUnprocessable (field "language") if no voice speaks it; kInvalidArgument if
  // the tag is malformed.
  Result<VoiceRef> DefaultVoice(std::string_view language) const;

  // What a request asks for: `voice_id` (may be empty) and `language` (may be
  // empty). Fails as FindVoice/DefaultVoice do, or with kUnprocessable (field
  // "language") if the voice cannot speak the language.
  Result<VoiceRef> Resolve(std::string_view voice_id, std::string_view language) const;

  // Resolve(voice_id, params.language), then synthesize.
  Result<audio::PcmBuffer> Synthesize(std::string_view text, std::string_view voice_id,
                                      const SynthesisParams& params) const;

 private:
  struct Entry {
    Engine* engine;
    const VoiceInfo* voice;
  };
  explicit EngineRegistry(std::vector<std::unique_ptr<Engine>> engines);
  VoiceRef Ref(size_t index) const;

  std::vector<std::unique_ptr<Engine>> engines_;
  std::vector<Entry> entries_;                       // every voice, registry order
  std::unordered_map<std::string, size_t> by_name_;  // lower-case ids and aliases
};

}  // namespace vox::engines
