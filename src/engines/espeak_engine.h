// EspeakEngine: eSpeak NG (formant synthesis, ~100 languages) in process.
//
// One voice per language, id "espeak-<lang>" ("espeak-de", "espeak-pt-br",
// "espeak-zh"), male by default, plus female variants "espeak-<lang>-f" (the
// espeak "+f3" variant) for the most used languages. All at 22050 Hz. A
// request's `language` picks the espeak language voice (keeping the female
// variant), so "espeak-en" with language "de" speaks German.
//
// Thread safety: libespeak-ng is one process-wide state machine (globals for the
// current voice, parameters and output buffer), so every call into it, from all
// EspeakEngine instances, is serialized by one process-wide mutex. Synthesis is
// fast (well over 50x real time), so the lock costs little; flite is the engine
// that scales with threads. The library is initialized once per process, in
// synchronous mode, with the data directory of the first Create().
//
// Speed: espeakRATE = 175 wpm * speed. espeak-ng cannot go below 80 wpm, so
// speeds under ~0.46 are as slow as 0.46. Pitch: espeakPITCH and espeakRANGE,
// calibrated so the measured median F0 scales with `pitch`; espeak's parameter
// range only reaches about 0.6x..1.8x the voice's F0, so 0.5 and 2.0 saturate.
//
// Streaming: one chunk per call with word timings from espeakEVENT_WORD (text
// position and length, audio position). Phoneme events would need the legacy
// espeak_Initialize() option; not used. The synth callback polls cancellation
// on every buffer (about 60 ms of audio) and aborts by returning 1.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engines/engine.h"

namespace vox::engines {

class EspeakEngine final : public Engine {
 public:
  // data_dir: an espeak-ng-data directory (or its parent); empty: the library's
  // default (/usr/lib/x86_64-linux-gnu/espeak-ng-data on Debian). Unavailable
  // if the data cannot be loaded; FailedPrecondition if the process already
  // initialized espeak-ng with a different directory.
  static Result<std::unique_ptr<EspeakEngine>> Create(const std::string& data_dir = {});
  ~EspeakEngine() override;

  std::string name() const override { return "espeak-ng"; }
  std::string version() const override { return version_; }
  const std::vector<VoiceInfo>& voices() const override { return voices_; }

  Result<audio::PcmBuffer> Synthesize(std::string_view text, const VoiceInfo& voice,
                                      const SynthesisParams& params) override;
  Status SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                          const SynthesisParams& params, const AudioChunkSink& sink,
                          const CancelCheck& canceled = {}) override;
  // Word timings, one chunk per sentence, cancel within it.
  EngineCapabilities capabilities() const override;

  // Any language in this engine's table (see voices()), by RFC 4647 lookup:
  // "de-AT" is served by German.
  bool SupportsLanguage(const VoiceInfo& voice, std::string_view language) const override;

  static constexpr size_t kMaxTextBytes = 16 * 1024;

 private:
  struct VoiceEntry {
    std::string espeak_language;  // espeak voice name of the language: "de", "cmn"
    std::string variant;          // "" or "+f3"
  };
  EspeakEngine(std::string version, std::vector<VoiceInfo> voices, std::vector<VoiceEntry> entries);

  // The espeak language voice for a BCP-47 tag, or nullptr.
  const VoiceInfo* FindLanguageVoice(std::string_view language) const;

  std::string version_;
  std::vector<VoiceInfo> voices_;
  std::vector<VoiceEntry> entries_;  // parallel to voices_
};

}  // namespace vox::engines
