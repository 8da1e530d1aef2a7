// Voice activity detection: a speech / non-speech decision per 10 ms frame of
// 16 kHz mono audio.
//
// Backed by the WebRTC VAD (a Gaussian-mixture model over six sub-band
// energies) through the public VoiceDetection component of Debian's
// webrtc-audio-processing 0.3; that package installs no header for the
// lower-level WebRtcVad C API. The detector adapts its noise model as it goes,
// so decisions depend on the audio before them: feed one recording from its
// start, and use a new detector (or Reset()) for the next one.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace webrtc {
class AudioProcessing;
}

namespace vox::audio {

inline constexpr int kVadSampleRate = 16000;
inline constexpr int kVadFrameMs = 10;
inline constexpr std::size_t kVadFrameSamples = kVadSampleRate * kVadFrameMs / 1000;  // 160

// How readily noise is called speech. kVeryAggressive refuses the most noise
// and misses the most soft speech (WebRTC's modes 3..0 in that order).
enum class VadAggressiveness { kVeryAggressive, kAggressive, kLowBitrate, kQuality };

// Streaming detector. Not thread-safe; movable.
class VoiceActivityDetector {
 public:
  static Result<VoiceActivityDetector> Create(
      VadAggressiveness aggressiveness = VadAggressiveness::kAggressive);

  VoiceActivityDetector(VoiceActivityDetector&&) noexcept;
  VoiceActivityDetector& operator=(VoiceActivityDetector&&) noexcept;
  ~VoiceActivityDetector();

  // Decides one frame of exactly kVadFrameSamples samples at 16 kHz, in
  // [-1, 1] (values outside are clamped). A frame of another size is
  // invalid_argument (field "frame").
  Result<bool> IsSpeech(std::span<const float> frame);

  // Forgets the adapted noise model, as if newly created.
  Status Reset();

 private:
  struct ApmDeleter {
    void operator()(webrtc::AudioProcessing* apm) const;
  };
  VoiceActivityDetector(std::unique_ptr<webrtc::AudioProcessing, ApmDeleter> apm,
                        VadAggressiveness aggressiveness);

  std::unique_ptr<webrtc::AudioProcessing, ApmDeleter> apm_;
  VadAggressiveness aggressiveness_;
};

// One decision per whole 10 ms frame of `pcm`, which must be 16 kHz mono
// (invalid_argument, field "audio", otherwise: resample first). A trailing
// partial frame is decided as if padded with silence.
Result<std::vector<bool>> DetectVoiceActivity(
    const PcmBuffer& pcm, VadAggressiveness aggressiveness = VadAggressiveness::kAggressive);

}  // namespace vox::audio
