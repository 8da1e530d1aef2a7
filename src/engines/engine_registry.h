// EngineRegistry: owns the loaded engines and answers "which voice, which engine".
//
// It lists every voice (optionally for one language), resolves a voice id or a
// short alias ("slt" -> "flite-slt", "de" -> "espeak-de") to its engine, and
// picks a voice when a request names none: English goes to flite-slt, other
// languages to the espeak voice for that language (RFC 4647 lookup, so
// "de-AT" gets espeak-de). All methods are thread-safe, and so are the
// engines they hand out. The engines added after the built-in ones (the Piper
// voices of the model directory) can be replaced while requests run
// (ReplaceExtraEngines: SIGHUP, POST /v1/admin/models/reload); a resolved
// VoiceRef keeps its engine alive until the request that holds it ends.
#pragma once

#include <memory>
#include <mutex>
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
  // Keeps `engine` and `voice` valid across a reload that removes them.
  std::shared_ptr<const void> hold;
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

  // Replaces the engines that came as `extra` (none for FromEngines) with
  // `extra`, at once: requests resolved before keep the engines they resolved,
  // later ones see the new voices. On an error (two engines serving one id)
  // nothing changes.
  Status ReplaceExtraEngines(std::vector<std::unique_ptr<Engine>> extra);

  // The loaded engines, built-in first (a snapshot: a reload does not change it).
  std::vector<std::shared_ptr<Engine>> engines() const;

  // The first engine that can carry a cloned voice (Engine::voice_conversion()),
  // or nullptr when none is loaded.
  VoiceConversionEngine* voice_conversion_engine() const;

  // All voices in registry order; with a language, those whose own language it
  // covers (RFC 4647 filtering: "en" lists en-US and en-GB voices).
  std::vector<VoiceInfo> ListVoices(std::string_view language = {}) const;

  // ListVoices() and the voices pinned to one version ("piper-x@2"): every
  // version a job can run on (what the `models` table is seeded from).
  std::vector<VoiceInfo> ListVoiceVersions() const;

  // By id or alias, case-insensitively. "ID@VERSION" pins a version: a pinned
  // voice of that id, or the voice itself when that is its version or it has
  // no declared versions (built-in voices). NotFound (field "voice") names
  // some valid ids.
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
  // One generation of engines and the lookups over their voices; immutable.
  struct Table {
    std::vector<std::shared_ptr<Engine>> engines;
    std::vector<Entry> entries;                       // every voice, registry order
    std::unordered_map<std::string, size_t> by_name;  // lower-case ids and aliases
  };
  using TablePtr = std::shared_ptr<const Table>;

  EngineRegistry() = default;
  static Result<TablePtr> BuildTable(std::vector<std::shared_ptr<Engine>> engines);
  TablePtr Snapshot() const;
  static VoiceRef Ref(const TablePtr& table, size_t index);
  static Result<VoiceRef> FindIn(const TablePtr& table, std::string_view id);
  static Result<VoiceRef> DefaultIn(const TablePtr& table, std::string_view language);

  size_t fixed_engines_ = 0;  // the first ones: never replaced
  mutable std::mutex mu_;     // guards table_ (the pointer, not the table)
  TablePtr table_;
};

}  // namespace vox::engines
