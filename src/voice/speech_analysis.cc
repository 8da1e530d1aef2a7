#include "voice/speech_analysis.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "voice/speech_frames.h"

namespace vox::voice {

int SpeechAnalysis::num_speech_frames() const {
  return static_cast<int>(std::count(speech.begin(), speech.end(), true));
}

int SpeechAnalysis::num_voiced_frames() const {
  return static_cast<int>(std::count(voiced.begin(), voiced.end(), true));
}

double SpeechAnalysis::speech_seconds() const {
  return static_cast<double>(num_speech_frames()) * features.hop / features.sample_rate;
}

Result<SpeechAnalysis> AnalyzeSpeech(const audio::PcmBuffer& pcm) {
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer mono, PrepareAudio(pcm));
  SpeechAnalysis a;
  VOX_ASSIGN_OR_RETURN(a.features, ExtractFeatures(mono));
  a.speech = SelectSpeechFrames(a.features.energy_db);
  if (a.speech_seconds() < kMinSpeechSeconds) {
    char message[160];
    std::snprintf(message, sizeof message,
                  "found %.2f s of speech in %.2f s of audio; need at least %.1f s",
                  a.speech_seconds(), mono.duration_s(), kMinSpeechSeconds);
    return InvalidArgument(message, "audio");
  }
  const int frames = a.features.num_frames();
  VOX_ASSIGN_OR_RETURN(
      a.pitch, EstimatePitch(mono.samples, mono.sample_rate, a.features.hop, frames, a.speech));
  a.voiced.assign(frames, false);
  for (int t = 0; t < frames; ++t) a.voiced[t] = a.pitch.f0_hz[t] > 0.0f;
  VOX_ASSIGN_OR_RETURN(a.formants, EstimateFormants(mono.samples, mono.sample_rate, a.features.hop,
                                                    a.voiced, pcm.sample_rate));
  a.speaking_rate = EstimateSpeakingRate(a.features, a.speech, a.pitch.f0_hz);
  return a;
}

}  // namespace vox::voice
