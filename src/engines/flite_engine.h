// FliteEngine: CMU Flite in process, with the English voices Debian ships.
//
// Voices (ids "flite-<name>"): slt (US female), rms (US male), awb (Scottish
// male) are clustergen statistical voices at 16 kHz; kal (8 kHz) and kal16
// (16 kHz) are US male diphone voices. Debian's cmu_time_awb is a
// limited-domain talking clock that cannot read arbitrary text, so it is not
// offered (nor linked).
//
// Thread safety: Synthesize() may run concurrently on any voices, with no lock.
// The cst_voice objects are shared read-only; every per-request setting
// (duration_stretch, f0_shift, a pitch-shifted model copy) lives in the
// utterance's own feature set, which shadows the voice's (flite links voice
// features into each utterance for exactly this). Flite's one process-wide
// mutable state in synthesis, rand(), is replaced by a per-thread generator
// (flite_random.h), which also makes output deterministic. Voice registration
// mutates globals and happens once, under std::call_once, in Create().
//
// Speed: the utterance's duration_stretch = the voice's own stretch / speed.
// Pitch: f0_shift scales the F0 target mean (clustergen slt/awb, diphone
// kal/kal16). rms predicts F0 with SPAM accent models that ignore f0_shift, so
// it gets a per-request model copy with every accent peak raised by log(pitch).
//
// Voice conversion (SynthesisParams::conversion, voice_conversion.h): on the
// clustergen voices only, and only on the conversion's own base voice. Flite
// predicts the parameter track as usual; the vocoding call is intercepted
// (flite_cg_vocoder.h) and vocodes an edited copy: F0 mapped (then multiplied
// by `pitch`), mel-cepstrum biased, all-pass constant warped. No lock either:
// the edit travels in a thread-local scoped to the one utt_synth() call.
//
// Streaming: flite's audio streaming callback reports the vocoder's progress
// every 50 ms of audio. It polls cancellation (a long sentence stops inside the
// vocoder) and delivers chunks of at least 0.5 s cut at word or pause ends
// (flite_chunker.h), each with its word and phone timings from flite's Segment
// relation (flite_timings.h). The audio is the same as without streaming.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engines/conversion_engine.h"

namespace vox::engines {

class FliteEngine final : public VoiceConversionEngine {
 public:
  // Registers the voices (once per process). Fails only if flite does.
  static Result<std::unique_ptr<FliteEngine>> Create();
  ~FliteEngine() override;

  std::string name() const override { return "flite"; }
  std::string version() const override;
  const std::vector<VoiceInfo>& voices() const override { return voices_; }

  // As Engine::Synthesize. With params.conversion: kUnprocessable ("voice") unless the
  // voice is the conversion's base voice (a clustergen voice), invalid_argument
  // ("conversion.<name>") for values out of bounds.
  Result<audio::PcmBuffer> Synthesize(std::string_view text, const VoiceInfo& voice,
                                      const SynthesisParams& params) override;
  Status SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                          const SynthesisParams& params, const AudioChunkSink& sink,
                          const CancelCheck& canceled = {}) override;
  // Conversion, phoneme (and word) timings, sub-sentence chunks, cancel within a sentence.
  EngineCapabilities capabilities() const override;

  // The all-pass constant (MLSA alpha) of a clustergen voice's mel-cepstrum, which
  // voice conversion fits its bias on; nullopt for other voices.
  std::optional<double> MelCepstrumAlpha(std::string_view voice_id) const override;

  // English only: flite's text analysis and lexicon are US English.
  bool SupportsLanguage(const VoiceInfo& voice, std::string_view language) const override;

  // Longest text accepted in one call; the caller splits documents into sentences.
  static constexpr size_t kMaxTextBytes = 16 * 1024;

 private:
  struct LoadedVoice;  // flite types stay out of this header
  FliteEngine(std::vector<VoiceInfo> voices, std::vector<LoadedVoice> loaded);

  std::vector<VoiceInfo> voices_;
  std::vector<LoadedVoice> loaded_;  // parallel to voices_
};

}  // namespace vox::engines
