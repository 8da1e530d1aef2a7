#include "neural/piper_sentence.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "neural/piper_vocoder.h"
#include "neural/sentence_chunker.h"
#include "piper/model_directory.h"

namespace vox::neural {
namespace {

constexpr double kMinChunkSeconds = 0.2;
constexpr float kLimiterKnee = 0.8f;

bool Canceled(const engines::CancelCheck& canceled) { return canceled && canceled(); }

std::unexpected<Error> CanceledError() {
  return MakeError(ErrorCode::kCanceled, "synthesis canceled");
}

size_t SilenceSamples(double seconds, int sample_rate) {
  return static_cast<size_t>(std::lround(seconds * sample_rate));
}

// Word timings of a sentence laid out from its phrases' runs, moved into the text's frame.
std::vector<engines::TimingItem> SentenceWords(const SentenceVoice& voice,
                                               const piper::PhonemizedSentence& sentence,
                                               const std::vector<PhraseRun>& runs) {
  std::vector<engines::TimingItem> words =
      WordTimings(sentence.text, runs, voice.classes, voice.config.sample_rate);
  for (engines::TimingItem& item : words) {
    item.text_begin += sentence.text_begin;
    item.text_end += sentence.text_begin;
  }
  return words;
}

}  // namespace

float PeakGain(float peak) { return 0.98f / std::max(0.01f, peak); }

void NormalizePeak(std::vector<float>& audio) {
  float peak = 0;
  for (float s : audio) peak = std::max(peak, std::fabs(s));
  const float gain = PeakGain(peak);
  for (float& s : audio) s *= gain;
}

void ApplyGainLimited(std::vector<float>& audio, float gain) {
  constexpr float kRange = 1.0f - kLimiterKnee;
  for (float& s : audio) {
    const float x = s * gain;
    const float magnitude = std::fabs(x);
    if (magnitude <= kLimiterKnee) {
      s = x;
    } else {
      s = std::copysign(kLimiterKnee + kRange * std::tanh((magnitude - kLimiterKnee) / kRange), x);
    }
  }
}

Result<double> StreamSentenceWhole(const SentenceVoice& voice,
                                   const piper::PhonemizedSentence& sentence,
                                   const std::vector<piper::PhonemePhrase>& phrases,
                                   double offset_s, const PhraseRunner& run,
                                   const engines::AudioChunkSink& sink,
                                   const engines::CancelCheck& canceled) {
  const int rate = voice.config.sample_rate;
  engines::AudioChunk chunk;
  chunk.pcm.sample_rate = rate;
  chunk.pcm.channels = 1;
  chunk.offset_s = offset_s;
  std::vector<PhraseRun> runs;
  for (const piper::PhonemePhrase& phrase : phrases) {
    if (Canceled(canceled)) return CanceledError();
    VOX_ASSIGN_OR_RETURN(PiperRun result, run(phrase.ids));
    NormalizePeak(result.audio);
    runs.push_back(
        {phrase.ids, std::move(result.frames), chunk.pcm.samples.size(), result.audio.size()});
    chunk.pcm.samples.insert(chunk.pcm.samples.end(), result.audio.begin(), result.audio.end());
    chunk.pcm.samples.resize(chunk.pcm.samples.size() + SilenceSamples(phrase.silence_after_s, rate),
                             0.f);
  }
  chunk.timings = SentenceWords(voice, sentence, runs);
  chunk.pcm.samples.resize(
      chunk.pcm.samples.size() + SilenceSamples(piper::kSentenceSilenceSeconds, rate), 0.f);
  const double duration = chunk.pcm.duration_s();
  VOX_RETURN_IF_ERROR(sink(std::move(chunk)));
  return duration;
}

Result<double> StreamSentenceInWindows(const SentenceVoice& voice,
                                       const std::string& vocoder_input,
                                       const std::function<Result<float>()>& windowed_gain,
                                       const piper::PhonemizedSentence& sentence,
                                       const std::vector<piper::PhonemePhrase>& phrases,
                                       double offset_s, const engines::AudioChunkSink& sink,
                                       const engines::CancelCheck& canceled) {
  const int rate = voice.config.sample_rate;
  // Every phrase up to its latent: the durations fix the sentence's layout.
  std::vector<PiperRow> rows;
  std::vector<PiperLatent> latents;
  for (const piper::PhonemePhrase& phrase : phrases) {
    if (Canceled(canceled)) return CanceledError();
    rows.push_back({phrase.ids, voice.speaker_id});
    VOX_ASSIGN_OR_RETURN(PiperLatent latent, RunToLatent(voice.graph, vocoder_input, voice.config,
                                                         rows.back(), voice.speed));
    latents.push_back(std::move(latent));
  }
  std::optional<SentenceChunker> chunker;  // once the first window gives the samples per frame
  std::vector<size_t> starts;              // each phrase's first sample
  size_t hop = 0;                          // samples per latent frame
  for (size_t p = 0; p < phrases.size(); ++p) {
    const auto plan = WindowPlan(latents[p].total_frames());
    float gain = 0;  // windowed phrases only; the others are scaled to their own peak
    if (plan.size() > 1) {
      VOX_ASSIGN_OR_RETURN(gain, windowed_gain());
    }
    for (const auto& [from, to] : plan) {
      if (Canceled(canceled)) return CanceledError();
      VOX_ASSIGN_OR_RETURN(std::vector<float> audio,
                           DecodeLatent(voice.graph, vocoder_input, voice.config, rows[p],
                                        voice.speed, latents[p], from, to));
      if (hop == 0) hop = audio.size() / static_cast<size_t>(to - from);
      if (audio.size() != static_cast<size_t>(to - from) * hop ||
          (chunker && starts[p] + to * hop > chunker->samples().size())) {
        return Internal("the vocoder's windows differ in samples per frame");
      }
      if (!chunker) {
        std::vector<PhraseRun> runs;
        size_t at = 0;
        for (size_t q = 0; q < phrases.size(); ++q) {
          const size_t samples = static_cast<size_t>(latents[q].total_frames()) * hop;
          runs.push_back({phrases[q].ids, latents[q].frames, at, samples});
          starts.push_back(at);
          at += samples + SilenceSamples(phrases[q].silence_after_s, rate);
        }
        at += SilenceSamples(piper::kSentenceSilenceSeconds, rate);
        chunker.emplace(rate, at, offset_s, SentenceWords(voice, sentence, runs), kMinChunkSeconds,
                        sink);
      }
      if (plan.size() == 1) {
        NormalizePeak(audio);
      } else {
        ApplyGainLimited(audio, gain);
      }
      std::copy(audio.begin(), audio.end(), chunker->samples().begin() + starts[p] + from * hop);
      const bool phrase_done = to == latents[p].total_frames();
      const size_t ready =
          starts[p] + to * hop +
          (phrase_done ? SilenceSamples(phrases[p].silence_after_s, rate) : 0);
      VOX_RETURN_IF_ERROR(chunker->Advance(ready));
    }
  }
  if (!chunker) return 0.0;  // no phrases: nothing to say
  const double duration = static_cast<double>(chunker->samples().size()) / rate;
  VOX_RETURN_IF_ERROR(chunker->Finish());
  return duration;
}

}  // namespace vox::neural
