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

// Per-request controls. Validate() checks ranges; engines may assume a valid one.
struct SynthesisParams {
  double speed = 1.0;       // 0.25 .. 4.0; 2.0 speaks twice as fast
  double pitch = 1.0;       // 0.5 .. 2.0; multiplies the voice's F0
  std::string language;     // BCP-47 ("de", "pt-BR"); empty: the voice's own

  Status Validate() const;  // names the bad field: "speed", "pitch"
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Stable engine name ("flite", "espeak-ng"), used as the voice id prefix.
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;

  // The voices this engine serves, with their manifests. Immutable after creation.
  virtual const std::vector<VoiceInfo>& voices() const = 0;

  // Synthesizes one chunk of normalized text in `voice` (one of voices()).
  // Thread-safe: engines that wrap non-reentrant C libraries serialize inside.
  // Returns mono audio at voice.sample_rate; empty text yields an empty buffer.
  virtual StatusOr<audio::PcmBuffer> Synthesize(std::string_view text, const VoiceInfo& voice,
                                                const SynthesisParams& params) = 0;
};

}  // namespace vox::engines
