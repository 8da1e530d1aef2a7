#include "engines/synthesizer.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "engines/speech_length.h"
#include "ssml/ssml_parser.h"
#include "text/normalizer.h"
#include "text/sentence_splitter.h"
#include "text/utf8.h"

namespace vox::engines {

std::string SynthesisPlan::model_version() const {
  return voice.engine + "/" + voice.base_id() + "@" + voice.Version();
}

std::string SynthesisPlan::NormalizedText() const {
  std::string out;
  for (const auto& s : sentences) {
    out += s;
    out += '\n';
  }
  return out;
}

Result<SynthesisPlan> Synthesizer::Start(const std::string& voice_id,
                                         const SynthesisParams& params) const {
  VOX_RETURN_IF_ERROR(params.Validate());
  VOX_ASSIGN_OR_RETURN(VoiceRef resolved, registry_.Resolve(voice_id, params.language));
  SynthesisPlan plan;
  plan.engine = &resolved.engine;
  plan.engine_hold = resolved.hold;
  plan.voice = resolved.voice;
  plan.params = params;
  if (plan.params.language.empty()) plan.params.language = plan.voice.language;
  return plan;
}

namespace {

Status CheckTextLength(std::string_view raw_text, const TextLimits& limits, size_t& chars) {
  VOX_RETURN_IF_ERROR(text::ValidateUtf8(raw_text));
  chars = text::CountCodePoints(raw_text);
  if (chars > limits.max_chars) {
    return MakeError(
        ErrorCode::kUnprocessable,
        "text is longer than the limit of " + std::to_string(limits.max_chars) + " characters",
        "text");
  }
  return {};
}

// Splits and normalizes `raw_text` onto the end of the plan; offsets are where
// each sentence starts in `raw_text`. Returns how many sentences it added.
// Without `split` the whole text is one sentence.
Result<size_t> AppendSentences(std::string_view raw_text, const text::NormalizeOptions& options,
                               SynthesisPlan& plan, bool split = true) {
  const size_t before = plan.sentences.size();
  size_t cursor = 0;
  const std::vector<std::string> sentences =
      split ? text::SplitSentences(raw_text) : std::vector<std::string>{std::string(raw_text)};
  for (const std::string& sentence : sentences) {
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
  return plan.sentences.size() - before;
}

}  // namespace

Result<SynthesisPlan> Synthesizer::StartWithText(std::string_view raw_text,
                                                 const std::string& voice_id,
                                                 const SynthesisParams& params,
                                                 const TextLimits& limits) const {
  VOX_RETURN_IF_ERROR(params.Validate());  // before the text: the order errors are reported in
  size_t chars = 0;
  VOX_RETURN_IF_ERROR(CheckTextLength(raw_text, limits, chars));
  VOX_ASSIGN_OR_RETURN(SynthesisPlan plan, Start(voice_id, params));
  plan.text_chars = chars;
  return plan;
}

Result<SynthesisPlan> Synthesizer::Prepare(std::string_view raw_text, const std::string& voice_id,
                                           const SynthesisParams& params,
                                           const TextLimits& limits) const {
  VOX_ASSIGN_OR_RETURN(SynthesisPlan plan, StartWithText(raw_text, voice_id, params, limits));
  // Refused before normalizing when even the letters and digits say too much.
  VOX_RETURN_IF_ERROR(CheckSpeechSeconds(static_cast<double>(CountSpokenCharsAtLeast(raw_text)) /
                                             (kSpokenCharsPerSecond * plan.params.speed),
                                         limits));
  text::NormalizeOptions options;
  options.language = plan.params.language;
  VOX_RETURN_IF_ERROR(AppendSentences(raw_text, options, plan));
  if (plan.sentences.empty()) return InvalidArgument("text has nothing to speak", "text");
  VOX_RETURN_IF_ERROR(CheckSpeechSeconds(EstimateSpeechSeconds(plan), limits));
  return plan;
}

namespace {

// The runs an engine speaks: a <phoneme>'s run on its own where the engine takes phonemes;
// elsewhere its text joined to the runs around it (nothing but the element parted them).
std::vector<ssml::Segment> EngineRuns(const ssml::Document& doc, bool phoneme_input) {
  std::vector<ssml::Segment> runs;
  for (const ssml::Segment& segment : doc.segments) {
    if (!phoneme_input && segment.joins_previous && !runs.empty()) {
      ssml::Segment& last = runs.back();
      for (text::AlignedSpan piece : segment.source) {
        piece.begin += last.text.size();
        piece.end += last.text.size();
        last.source.push_back(piece);
      }
      last.text += segment.text;
      continue;
    }
    runs.push_back(segment);
    if (!phoneme_input) runs.back().phonemes.clear();
  }
  return runs;
}

// The document's runs onto the end of the plan (which has none yet): each run split and
// normalized on its own, with its style; breaks and marks land before the next sentence
// (or in the tail). Sentence sources are moved from the run's text onto the document.
Status AppendDocument(const ssml::Document& doc, SynthesisPlan& plan) {
  // Pauses and marks of runs that say nothing (all punctuation) move on to the next one.
  SentenceStyle carried;
  for (const ssml::Segment& segment : EngineRuns(doc, plan.engine->capabilities().phoneme_input)) {
    SentenceStyle style;
    style.rate = segment.prosody.rate;
    style.pitch = segment.prosody.pitch;
    style.volume_db = segment.prosody.volume_db;
    style.silent = segment.prosody.silent;
    // xml:lang switches language only where the voice speaks it; otherwise it is ignored.
    if (!segment.language.empty() && plan.engine->SupportsLanguage(plan.voice, segment.language)) {
      style.language = segment.language;
    }
    style.phonemes = segment.phonemes;
    text::NormalizeOptions options;
    options.language = style.language.empty() ? plan.params.language : style.language;
    // A phoneme run is one sentence whatever its text: its IPA is said once.
    VOX_ASSIGN_OR_RETURN(size_t added, AppendSentences(segment.text, options, plan,
                                                       /*split=*/segment.phonemes.empty()));
    for (size_t i = plan.sources.size() - added; i < plan.sources.size(); ++i) {
      SynthesisPlan::SentenceSource& source = plan.sources[i];
      for (text::AlignedSpan& span : source.spans) {
        std::tie(span.source_begin, span.source_end) = ssml::DocumentRange(
            segment, source.offset + span.source_begin, source.offset + span.source_end);
      }
      source.offset = 0;  // the spans are on the whole document now
    }
    carried.pause_before_s += segment.pause_before_s;
    carried.marks.insert(carried.marks.end(), segment.marks.begin(), segment.marks.end());
    for (size_t i = 0; i < added; ++i) {
      plan.styles.sentences.push_back(style);
      if (i == 0) {
        plan.styles.sentences.back().pause_before_s = carried.pause_before_s;
        plan.styles.sentences.back().marks = std::move(carried.marks);
        carried = {};
      }
    }
  }
  plan.styles.tail.pause_before_s = carried.pause_before_s + doc.tail_pause_s;
  plan.styles.tail.marks = std::move(carried.marks);
  plan.styles.tail.marks.insert(plan.styles.tail.marks.end(), doc.tail_marks.begin(),
                                doc.tail_marks.end());
  if (plan.styles.IsDefault()) plan.styles = {};
  return {};
}

}  // namespace

Result<SynthesisPlan> Synthesizer::PrepareSsml(std::string_view ssml, const std::string& voice_id,
                                               const SynthesisParams& params,
                                               const TextLimits& limits) const {
  VOX_ASSIGN_OR_RETURN(SynthesisPlan plan, StartWithText(ssml, voice_id, params, limits));
  ssml::ParseLimits parse_limits;
  parse_limits.max_bytes = limits.MaxUtf8Bytes();
  VOX_ASSIGN_OR_RETURN(ssml::Document doc, ssml::Parse(ssml, parse_limits));
  VOX_RETURN_IF_ERROR(AppendDocument(doc, plan));
  if (plan.sentences.empty()) return InvalidArgument("the SSML has nothing to speak", "text");
  VOX_RETURN_IF_ERROR(CheckSpeechSeconds(EstimateSpeechSeconds(plan), limits));
  return plan;
}

Result<SynthesisPlan> Synthesizer::Resume(const std::string& voice_id,
                                          const SynthesisParams& params,
                                          std::vector<std::string> sentences,
                                          PlanStyles styles) const {
  VOX_RETURN_IF_ERROR(params.Validate());
  if (sentences.empty()) return InvalidArgument("the prepared job has no sentences", "text");
  if (!styles.sentences.empty() && styles.sentences.size() != sentences.size()) {
    return Internal("the prepared job's styles do not match its sentences");
  }
  VOX_ASSIGN_OR_RETURN(SynthesisPlan plan, Start(voice_id, params));
  plan.sentences = std::move(sentences);
  plan.styles = std::move(styles);
  return plan;
}

Status Synthesizer::Run(const SynthesisPlan& plan, const ChunkSink& sink,
                        const std::function<bool()>& canceled, const MarkSink& marks) const {
  return RunTimed(
      plan, [&](AudioChunk&& chunk) { return sink(chunk.pcm); }, canceled, marks);
}

namespace {

// The params one sentence is spoken with: the plan's, times its style's.
SynthesisParams StyledParams(const SynthesisPlan& plan, const SentenceStyle& style) {
  SynthesisParams p = plan.params;
  p.speed =
      std::clamp(p.speed * style.rate, SynthesisParams::kMinSpeed, SynthesisParams::kMaxSpeed);
  p.pitch =
      std::clamp(p.pitch * style.pitch, SynthesisParams::kMinPitch, SynthesisParams::kMaxPitch);
  if (!style.language.empty()) p.language = style.language;
  p.phonemes = style.phonemes;
  return p;
}

void ApplyVolume(const SentenceStyle& style, audio::PcmBuffer& pcm) {
  if (!style.silent && style.volume_db == 0) return;
  const float gain = style.silent ? 0.0f : static_cast<float>(std::pow(10.0, style.volume_db / 20));
  for (float& x : pcm.samples) x = std::clamp(x * gain, -1.0f, 1.0f);
}

}  // namespace

Status Synthesizer::Align(SynthesisPlan& plan, std::string_view raw_text) const {
  SynthesisPlan aligned;
  aligned.engine = plan.engine;
  aligned.voice = plan.voice;
  aligned.params = plan.params;
  text::NormalizeOptions options;
  options.language = plan.params.language;
  bool same = false;
  if (text::ValidateUtf8(raw_text)) {
    // Plain text, else an SSML document (its styles may all be the default, so a plan without
    // styles can be either).
    if (plan.styles.sentences.empty() && AppendSentences(raw_text, options, aligned)) {
      same = aligned.sentences == plan.sentences;
    }
    if (!same && plan.engine != nullptr) {
      aligned.sentences.clear();
      aligned.sources.clear();
      ssml::ParseLimits limits;
      limits.max_bytes = raw_text.size();
      auto doc = ssml::Parse(raw_text, limits);
      same = doc && AppendDocument(*doc, aligned) && aligned.sentences == plan.sentences;
    }
  }
  if (!same) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the prepared sentences are not what the text normalizes to now", "text");
  }
  plan.sources = std::move(aligned.sources);
  return {};
}

Status Synthesizer::RunSentences(const SynthesisPlan& plan, const SentenceChunkSink& sink,
                                 const CancelCheck& canceled, const MarkSink& marks) const {
  double offset_s = 0;
  // A style's pause as one silent chunk (of sentence `index`), then its marks
  // at the time reached.
  auto pause_and_mark = [&](size_t index, const SentenceStyle& style) -> Status {
    const auto frames =
        static_cast<size_t>(std::llround(style.pause_before_s * plan.voice.sample_rate));
    if (frames > 0) {
      AudioChunk silence;
      silence.pcm.sample_rate = plan.voice.sample_rate;
      silence.pcm.samples.assign(frames, 0.0f);
      silence.offset_s = offset_s;
      const double duration = silence.pcm.duration_s();
      VOX_RETURN_IF_ERROR(sink(index, std::move(silence)));
      offset_s += duration;
    }
    if (marks) {
      for (const std::string& name : style.marks) marks(name, offset_s);
    }
    return {};
  };
  static const SentenceStyle kPlain;
  for (size_t i = 0; i < plan.sentences.size(); ++i) {
    if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
    const SentenceStyle& style =
        i < plan.styles.sentences.size() ? plan.styles.sentences[i] : kPlain;
    VOX_RETURN_IF_ERROR(pause_and_mark(i, style));
    const double sentence_start_s = offset_s;
    VOX_RETURN_IF_ERROR(plan.engine->SynthesizeStream(
        plan.sentences[i], plan.voice, StyledParams(plan, style),
        [&](AudioChunk&& chunk) -> Status {
          ApplyVolume(style, chunk.pcm);
          chunk.offset_s += sentence_start_s;
          const double duration = chunk.pcm.duration_s();
          VOX_RETURN_IF_ERROR(sink(i, std::move(chunk)));
          offset_s += duration;
          return {};
        },
        canceled));
  }
  return pause_and_mark(plan.sentences.size(), plan.styles.tail);
}

Status Synthesizer::RunTimed(const SynthesisPlan& plan, const AudioChunkSink& sink,
                             const CancelCheck& canceled, const MarkSink& marks) const {
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
      canceled, marks);
}

}  // namespace vox::engines
