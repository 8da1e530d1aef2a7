// Synthesizer: raw text in, audio chunks out, one sentence at a time.
//
// The one pipeline behind `vox synth` and the job worker: split the raw text
// into sentences, normalize each, resolve the voice, and call the engine per
// sentence, handing every chunk to a sink as soon as it exists. Memory stays
// bounded by one sentence of audio, whatever the text's length.
//
// RunTimed() also hands over the engine's timings, mapped back onto the raw
// text: the words "three dollars and fifty cents" carry the byte range of the
// "$3.50" the client typed (sentence offset + text::NormalizeAligned spans).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "engines/engine.h"
#include "engines/engine_registry.h"
#include "engines/sentence_style.h"
#include "text/normalizer.h"
#include "text/text_limits.h"

namespace vox::engines {

struct SynthesisPlan {
  Engine* engine = nullptr;
  std::shared_ptr<const void> engine_hold;  // keeps `engine` alive across a model reload
  VoiceInfo voice;
  SynthesisParams params;
  std::vector<std::string> sentences;  // normalized, in order
  size_t text_chars = 0;               // code points of the raw text
  // Parallel to `sentences` (Prepare fills it): where the sentence starts in
  // the raw text (bytes) and where each of its words came from, relative to
  // that start. Without it RunTimed leaves ranges relative to the sentence.
  struct SentenceSource {
    size_t offset = 0;
    std::vector<text::AlignedSpan> spans;
  };
  std::vector<SentenceSource> sources;
  // From SSML (PrepareSsml): per-sentence prosody, pauses and marks. Empty
  // `styles.sentences`: every sentence in the plan's params, no pauses.
  PlanStyles styles;

  // "<engine>/<voice>@<version>" (VoiceInfo::Version(), the voice without a
  // pin): recorded with every job.
  std::string model_version() const;
  // Normalized text, one sentence per line: what the listener will hear.
  std::string NormalizedText() const;
};

using TextLimits = text::TextLimits;

class Synthesizer {
 public:
  explicit Synthesizer(const EngineRegistry& registry) : registry_(registry) {}

  const EngineRegistry& registry() const { return registry_; }

  // Validates params, resolves the voice (empty id: the language's default),
  // checks the text (UTF-8, not blank, within limits) and prepares sentences.
  // Errors name the field: "text", "voice", "language", "speed", "pitch".
  Result<SynthesisPlan> Prepare(std::string_view raw_text, const std::string& voice_id,
                                const SynthesisParams& params, const TextLimits& limits) const;

  // Prepare() for an SSML document (src/ssml: the subset and its limits): each
  // text run is split and normalized on its own, its sentences carry the run's
  // prosody, and breaks and marks land before the next sentence (or after the
  // last). Malformed SSML is kInvalidArgument ("text") naming line and column.
  // The sentences' sources are on the document: timings point at the SSML's own
  // text (a say-as or sub word at the element's content, an entity at itself).
  Result<SynthesisPlan> PrepareSsml(std::string_view ssml, const std::string& voice_id,
                                    const SynthesisParams& params, const TextLimits& limits) const;

  // A plan from sentences Prepare() made earlier (the API, when it accepted the
  // job): checks the params and resolves the voice, without normalizing or
  // splitting again. The sentences have no source alignment.
  Result<SynthesisPlan> Resume(const std::string& voice_id, const SynthesisParams& params,
                               std::vector<std::string> sentences, PlanStyles styles = {}) const;

  using ChunkSink = std::function<Status(const audio::PcmBuffer&)>;
  // Told each SSML <mark> as the audio reaches it: seconds from the plan's start.
  using MarkSink = std::function<void(const std::string& name, double time_s)>;
  // Synthesizes the plan's sentences in order. Stops at the first failing
  // chunk or sink, or with kCanceled as soon as `canceled()` returns true
  // (checked between sentences and, where the engine can, inside them).
  // A style's pause is a chunk of silence; its volume scales the sentence's audio.
  Status Run(const SynthesisPlan& plan, const ChunkSink& sink,
             const std::function<bool()>& canceled = {}, const MarkSink& marks = {}) const;

  // Attaches the source alignment to a plan made by Resume() from `raw_text`
  // (plain text or an SSML document), when the text still prepares to exactly
  // those sentences (same normalizer);
  // kFailedPrecondition, and the plan unchanged, when it does not.
  Status Align(SynthesisPlan& plan, std::string_view raw_text) const;

  // The engine's chunks as it delivers them, with the index of their sentence:
  // offset_s counts from the start of the plan's audio, timings are as the
  // engine reported them (byte ranges in that normalized sentence). An SSML
  // pause is a silent chunk of the sentence it comes before (the last one:
  // index sentences.size()); marks go to `marks` with their time.
  using SentenceChunkSink = std::function<Status(size_t sentence, AudioChunk&& chunk)>;
  Status RunSentences(const SynthesisPlan& plan, const SentenceChunkSink& sink,
                      const CancelCheck& canceled = {}, const MarkSink& marks = {}) const;

  // Run() with the engine's chunks and timings. In the chunks handed to `sink`,
  // offset_s counts from the start of the whole plan's audio and each timing's
  // text_begin/text_end is a byte range of the raw text given to Prepare().
  Status RunTimed(const SynthesisPlan& plan, const AudioChunkSink& sink,
                  const CancelCheck& canceled = {}, const MarkSink& marks = {}) const;

 private:
  // Checks params and resolves the voice: a plan with no sentences yet.
  Result<SynthesisPlan> Start(const std::string& voice_id, const SynthesisParams& params) const;
  // Start() after checking the raw text (UTF-8, within limits); sets text_chars.
  Result<SynthesisPlan> StartWithText(std::string_view raw_text, const std::string& voice_id,
                                      const SynthesisParams& params,
                                      const TextLimits& limits) const;

  const EngineRegistry& registry_;
};

}  // namespace vox::engines
