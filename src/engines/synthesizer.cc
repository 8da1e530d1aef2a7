#include "engines/synthesizer.h"

#include "text/normalizer.h"
#include "text/sentence_splitter.h"
#include "text/utf8.h"

namespace vox::engines {

namespace {

// Splits the raw text, normalizes each sentence with its source alignment and
// keeps those with something to say, in `plan` (sentences and sources).
Status PrepareSentences(std::string_view raw_text, SynthesisPlan& plan) {
  text::NormalizeOptions options;
  options.language = plan.params.language;
  size_t cursor = 0;
  for (const std::string& sentence : text::SplitSentences(raw_text)) {
    // The splitter only trims and cuts, so each sentence is verbatim in the raw text.
    const size_t found = raw_text.find(sentence, cursor);
    const size_t offset = found == std::string_view::npos ? cursor : found;
    cursor = offset + sentence.size();
    VOX_ASSIGN_OR_RETURN(text::NormalizedText normalized,
                         text::NormalizeAligned(sentence, options));
    if (normalized.text.find_first_not_of(" \t\n") != std::string::npos) {
      plan.sentences.push_back(std::move(normalized.text));
      plan.sources.push_back({offset, std::move(normalized.spans)});
    }
  }
  return {};
}

}  // namespace

std::string SynthesisPlan::model_version() const {
  return voice.engine + "/" + voice.id + "@" + voice.engine_version;
}

std::string SynthesisPlan::NormalizedText() const {
  std::string out;
  for (const auto& s : sentences) {
    out += s;
    out += '\n';
  }
  return out;
}

Result<SynthesisPlan> Synthesizer::Prepare(std::string_view raw_text, const std::string& voice_id,
                                           const SynthesisParams& params,
                                           const TextLimits& limits) const {
  VOX_RETURN_IF_ERROR(params.Validate());
  VOX_RETURN_IF_ERROR(text::ValidateUtf8(raw_text));
  SynthesisPlan plan;
  plan.text_chars = text::CountCodePoints(raw_text);
  if (plan.text_chars > limits.max_chars) {
    return MakeError(
        ErrorCode::kUnprocessable,
        "text is longer than the limit of " + std::to_string(limits.max_chars) + " characters",
        "text");
  }
  VOX_ASSIGN_OR_RETURN(VoiceRef resolved, registry_.Resolve(voice_id, params.language));
  plan.engine = &resolved.engine;
  plan.engine_hold = resolved.hold;
  plan.voice = resolved.voice;
  plan.params = params;
  if (plan.params.language.empty()) plan.params.language = plan.voice.language;

  VOX_RETURN_IF_ERROR(PrepareSentences(raw_text, plan));
  if (plan.sentences.empty()) return InvalidArgument("text has nothing to speak", "text");
  return plan;
}

Result<SynthesisPlan> Synthesizer::Resume(const std::string& voice_id,
                                          const SynthesisParams& params,
                                          std::vector<std::string> sentences) const {
  VOX_RETURN_IF_ERROR(params.Validate());
  if (sentences.empty()) return InvalidArgument("the prepared job has no sentences", "text");
  VOX_ASSIGN_OR_RETURN(VoiceRef resolved, registry_.Resolve(voice_id, params.language));
  SynthesisPlan plan;
  plan.engine = &resolved.engine;
  plan.engine_hold = resolved.hold;
  plan.voice = resolved.voice;
  plan.params = params;
  if (plan.params.language.empty()) plan.params.language = plan.voice.language;
  plan.sentences = std::move(sentences);
  return plan;
}

Status Synthesizer::Run(const SynthesisPlan& plan, const ChunkSink& sink,
                        const std::function<bool()>& canceled) const {
  return RunTimed(
      plan, [&](AudioChunk&& chunk) { return sink(chunk.pcm); }, canceled);
}

Status Synthesizer::Align(SynthesisPlan& plan, std::string_view raw_text) const {
  SynthesisPlan aligned;
  aligned.params = plan.params;
  if (!text::ValidateUtf8(raw_text) || !PrepareSentences(raw_text, aligned) ||
      aligned.sentences != plan.sentences) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the prepared sentences are not what the text normalizes to now", "text");
  }
  plan.sources = std::move(aligned.sources);
  return {};
}

Status Synthesizer::RunSentences(const SynthesisPlan& plan, const SentenceChunkSink& sink,
                                 const CancelCheck& canceled) const {
  double offset_s = 0;
  for (size_t i = 0; i < plan.sentences.size(); ++i) {
    if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
    const double sentence_start_s = offset_s;
    VOX_RETURN_IF_ERROR(plan.engine->SynthesizeStream(
        plan.sentences[i], plan.voice, plan.params,
        [&](AudioChunk&& chunk) -> Status {
          chunk.offset_s += sentence_start_s;
          const double duration = chunk.pcm.duration_s();
          VOX_RETURN_IF_ERROR(sink(i, std::move(chunk)));
          offset_s += duration;
          return {};
        },
        canceled));
  }
  return {};
}

Status Synthesizer::RunTimed(const SynthesisPlan& plan, const AudioChunkSink& sink,
                             const CancelCheck& canceled) const {
  return RunSentences(
      plan,
      [&](size_t sentence, AudioChunk&& chunk) -> Status {
        if (sentence < plan.sources.size()) {
          const SynthesisPlan::SentenceSource& source = plan.sources[sentence];
          for (TimingItem& item : chunk.timings) {
            const auto [b, e] = text::SourceOf(source.spans, item.text_begin, item.text_end);
            item.text_begin = source.offset + b;
            item.text_end = source.offset + e;
          }
        }
        return sink(std::move(chunk));
      },
      canceled);
}

}  // namespace vox::engines
