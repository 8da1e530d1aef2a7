#include "audio/vad.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>
#include <string>

#include "audio/dsp.h"

namespace vox::audio {
namespace {

webrtc::VoiceDetection::Likelihood ToLikelihood(VadAggressiveness a) {
  switch (a) {
    case VadAggressiveness::kVeryAggressive:
      return webrtc::VoiceDetection::kVeryLowLikelihood;
    case VadAggressiveness::kAggressive:
      return webrtc::VoiceDetection::kLowLikelihood;
    case VadAggressiveness::kLowBitrate:
      return webrtc::VoiceDetection::kModerateLikelihood;
    case VadAggressiveness::kQuality:
      return webrtc::VoiceDetection::kHighLikelihood;
  }
  return webrtc::VoiceDetection::kLowLikelihood;
}

Status Configure(webrtc::AudioProcessing& apm, VadAggressiveness aggressiveness) {
  webrtc::VoiceDetection* vd = apm.voice_detection();
  if (vd->Enable(true) != webrtc::AudioProcessing::kNoError ||
      vd->set_likelihood(ToLikelihood(aggressiveness)) != webrtc::AudioProcessing::kNoError ||
      vd->set_frame_size_ms(kVadFrameMs) != webrtc::AudioProcessing::kNoError) {
    return Internal("cannot configure the WebRTC voice detector");
  }
  return {};
}

}  // namespace

void VoiceActivityDetector::ApmDeleter::operator()(webrtc::AudioProcessing* apm) const {
  delete apm;
}

VoiceActivityDetector::VoiceActivityDetector(
    std::unique_ptr<webrtc::AudioProcessing, ApmDeleter> apm, VadAggressiveness aggressiveness)
    : apm_(std::move(apm)), aggressiveness_(aggressiveness) {}
VoiceActivityDetector::VoiceActivityDetector(VoiceActivityDetector&&) noexcept = default;
VoiceActivityDetector& VoiceActivityDetector::operator=(VoiceActivityDetector&&) noexcept = default;
VoiceActivityDetector::~VoiceActivityDetector() = default;

Result<VoiceActivityDetector> VoiceActivityDetector::Create(VadAggressiveness aggressiveness) {
  std::unique_ptr<webrtc::AudioProcessing, ApmDeleter> apm(webrtc::AudioProcessing::Create());
  if (!apm) return Internal("cannot create the WebRTC audio processing module");
  VOX_RETURN_IF_ERROR(Configure(*apm, aggressiveness));
  return VoiceActivityDetector(std::move(apm), aggressiveness);
}

Status VoiceActivityDetector::Reset() {
  // Initialize() resets the streams' state but keeps the component settings.
  if (apm_->Initialize() != webrtc::AudioProcessing::kNoError) {
    return Internal("cannot reset the WebRTC voice detector");
  }
  return Configure(*apm_, aggressiveness_);
}

Result<bool> VoiceActivityDetector::IsSpeech(std::span<const float> frame) {
  if (frame.size() != kVadFrameSamples) {
    return InvalidArgument("a VAD frame is " + std::to_string(kVadFrameSamples) +
                               " samples (10 ms at 16 kHz), not " + std::to_string(frame.size()),
                           "frame");
  }
  // The int16 interface: the detector works on 16-bit samples internally anyway.
  webrtc::AudioFrame af;
  af.sample_rate_hz_ = kVadSampleRate;
  af.num_channels_ = 1;
  af.samples_per_channel_ = kVadFrameSamples;
  for (std::size_t i = 0; i < kVadFrameSamples; ++i) af.data_[i] = FloatToPcm16(frame[i]);
  const int rc = apm_->ProcessStream(&af);
  if (rc != webrtc::AudioProcessing::kNoError) {
    return Internal("WebRTC voice detection failed with code " + std::to_string(rc));
  }
  return apm_->voice_detection()->stream_has_voice();
}

Result<std::vector<bool>> DetectVoiceActivity(const PcmBuffer& pcm,
                                              VadAggressiveness aggressiveness) {
  if (pcm.sample_rate != kVadSampleRate || pcm.channels != 1) {
    return InvalidArgument("voice detection needs 16000 Hz mono audio, got " +
                               std::to_string(pcm.sample_rate) + " Hz with " +
                               std::to_string(pcm.channels) + " channels",
                           "audio");
  }
  VOX_ASSIGN_OR_RETURN(VoiceActivityDetector vad, VoiceActivityDetector::Create(aggressiveness));
  const std::size_t n = pcm.samples.size();
  std::vector<bool> decisions;
  decisions.reserve((n + kVadFrameSamples - 1) / kVadFrameSamples);
  std::vector<float> last(kVadFrameSamples, 0.0f);
  for (std::size_t start = 0; start < n; start += kVadFrameSamples) {
    std::span<const float> frame;
    if (start + kVadFrameSamples <= n) {
      frame = std::span<const float>(pcm.samples).subspan(start, kVadFrameSamples);
    } else {
      std::copy(pcm.samples.begin() + static_cast<std::ptrdiff_t>(start), pcm.samples.end(),
                last.begin());
      frame = last;
    }
    VOX_ASSIGN_OR_RETURN(bool speech, vad.IsSpeech(frame));
    decisions.push_back(speech);
  }
  return decisions;
}

}  // namespace vox::audio
