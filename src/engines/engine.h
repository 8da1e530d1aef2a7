// The Engine interface: one TTS backend (flite, espeak-ng, later torch).
//
// An engine turns one chunk of already-normalized text (a sentence) into audio
// in one of its voices. Long texts are split into sentences by the caller and
// fed chunk by chunk, so an engine never holds a whole document in memory.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "engines/voice_info.h"

namespace vox::engines {

struct VoiceConversion;  // voice_conversion.h

// Per-request controls. Engines validate them again, so a bad value is an error, never UB.
struct SynthesisParams {
  static constexpr double kMinSpeed = 0.25, kMaxSpeed = 4.0;
  static constexpr double kMinPitch = 0.5, kMaxPitch = 2.0;

  double speed = 1.0;    // 0.25 .. 4.0; 2.0 speaks twice as fast
  double pitch = 1.0;    // 0.5 .. 2.0; multiplies the voice's F0
  std::string language;  // BCP-47 ("de", "pt-BR"); empty: the voice's own
  // A cloned voice: parameter-level conversion of a flite clustergen voice
  // (voice_conversion.h); nullptr = none. Engines that cannot apply it refuse
  // the request (kUnprocessable, "voice"); Validate() does not look inside it.
  std::shared_ptr<const VoiceConversion> conversion;

  // Names the bad field. Out of range ("speed", "pitch"): kUnprocessable (well-formed but
  // not servable); a malformed "language" tag: kInvalidArgument.
  Status Validate() const;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Stable engine name ("flite", "espeak-ng"); VoiceInfo::engine of its voices.
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;

  // The voices this engine serves, with their manifests. Immutable after creation.
  virtual const std::vector<VoiceInfo>& voices() const = 0;

  // Synthesizes one chunk of normalized text in `voice` (one of voices()).
  // Thread-safe: engines that wrap non-reentrant C libraries serialize inside.
  // Returns mono audio at voice.sample_rate; empty text yields an empty buffer.
  // Errors name the field: params as in Validate(), kUnprocessable ("language") for a
  // language the voice cannot speak, kNotFound ("voice") for a voice this engine does
  // not serve, kResourceExhausted ("text") for a chunk over the engine's limit (16 KiB
  // for flite and espeak-ng), kInternal when the library fails.
  virtual Result<audio::PcmBuffer> Synthesize(std::string_view text, const VoiceInfo& voice,
                                              const SynthesisParams& params) = 0;

  // Whether `voice` can speak `language` (BCP-47; empty means the voice's own).
  // Lets callers reject a request before queueing it. The default accepts the
  // voice's own language and its regional variants ("en-GB" for an "en-US" voice).
  virtual bool SupportsLanguage(const VoiceInfo& voice, std::string_view language) const;
};

}  // namespace vox::engines
