// Speaker features a Vox voice conversion does not control: the voice source
// (periodicity, LPC-residual shape), the shape of the pitch contour once its
// level and range are factored out, and the timing and dynamics of speech.
//
// A conversion (engines/voice_conversion.h) maps log-F0 mean and spread,
// warps the formants and adds a mean-envelope bias, and is fitted to maximise
// the stats/1 cosine; everything here is either invariant to those edits (an
// affine map of log F0 leaves normalized contour statistics unchanged, LPC
// inverse filtering removes the envelope) or untouched by them (the base
// voice's excitation, durations and dynamics). SourceSpeakerEncoder
// (source_speaker_encoder.h) standardizes and embeds them.
#pragma once

#include <string>
#include <vector>

#include "audio/pcm_buffer.h"
#include "voice/speech_analysis.h"

namespace vox::voice {

// The raw features of `analysis`, made from `mono` (PrepareAudio's output, the
// audio the analysis ran on). NaN where a feature cannot be measured (too few
// voiced frames or runs); the encoder maps NaN to the background mean.
std::vector<double> SourceFeatures(const audio::PcmBuffer& mono, const SpeechAnalysis& analysis);
std::vector<std::string> SourceFeatureNames();

}  // namespace vox::voice
