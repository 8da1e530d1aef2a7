// One sentence of a Piper voice, phonemized and cut into phrases, to audio
// chunks: the sentence loop of PiperEngine::SynthesizeStream. Internal to
// vox_neural.
//
// Like Piper, each phrase's audio is scaled to its own peak and followed by
// its phoneme_silence, and the sentence by kSentenceSilenceSeconds.
//
// Whole: each phrase runs the graph once (through the batcher), and the
// sentence is one chunk. In windows (a graph whose vocoder input is found,
// piper_vocoder.h): every phrase runs up to its latent first, which fixes the
// sentence's layout and word timings; then the vocoder decodes window by
// window and a chunk leaves each time a word is complete, so a long
// sentence's first words are heard after a fraction of its work. A phrase
// decoded in several windows cannot know its peak when its first window
// leaves: it is scaled by the voice's level instead (`windowed_gain`, a
// calibration phrase's peak gain) through a soft limiter. Which phrases are
// windowed depends on their length alone, so a text gives the same audio as
// a job, a stream or a cache entry.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engines/engine.h"
#include "neural/piper_batch.h"
#include "neural/piper_timings.h"
#include "onnx/model.h"
#include "piper/phonemizer.h"

namespace vox::neural {

struct SentenceVoice {
  const onnx::Model& graph;
  const piper::VoiceConfig& config;
  const PhonemeClasses& classes;
  int speaker_id = 0;
  double speed = 1.0;
};

// Piper's int16 conversion scales each phrase's peak to full scale (never
// amplifying more than 100x); in float, a peak of 0.98.
void NormalizePeak(std::vector<float>& audio);
// The gain NormalizePeak would apply to audio of this peak.
float PeakGain(float peak);
// Scales by `gain`; what would pass 0.8 bends smoothly towards 1.0 instead of clipping.
void ApplyGainLimited(std::vector<float>& audio, float gain);

// Runs one phrase's ids whole (the batcher's runner, or the graph alone).
using PhraseRunner = std::function<Result<PiperRun>(const std::vector<int64_t>& ids)>;

// The whole way: one chunk. Returns the sentence's duration in seconds.
Result<double> StreamSentenceWhole(const SentenceVoice& voice,
                                   const piper::PhonemizedSentence& sentence,
                                   const std::vector<piper::PhonemePhrase>& phrases,
                                   double offset_s, const PhraseRunner& run,
                                   const engines::AudioChunkSink& sink,
                                   const engines::CancelCheck& canceled);

// In windows of the latent at `vocoder_input`; `windowed_gain` is asked only
// when a phrase is long enough to be windowed.
Result<double> StreamSentenceInWindows(const SentenceVoice& voice,
                                       const std::string& vocoder_input,
                                       const std::function<Result<float>()>& windowed_gain,
                                       const piper::PhonemizedSentence& sentence,
                                       const std::vector<piper::PhonemePhrase>& phrases,
                                       double offset_s, const engines::AudioChunkSink& sink,
                                       const engines::CancelCheck& canceled);

}  // namespace vox::neural
