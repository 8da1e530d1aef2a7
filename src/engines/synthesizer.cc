#include "engines/synthesizer.h"

#include "text/normalizer.h"
#include "text/sentence_splitter.h"
#include "text/utf8.h"

namespace vox::engines {

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
  plan.voice = resolved.voice;
  plan.params = params;
  if (plan.params.language.empty()) plan.params.language = plan.voice.language;

  text::NormalizeOptions options;
  options.language = plan.params.language;
  for (const std::string& sentence : text::SplitSentences(raw_text)) {
    VOX_ASSIGN_OR_RETURN(std::string normalized, text::Normalize(sentence, options));
    if (normalized.find_first_not_of(" \t\n") != std::string::npos) {
      plan.sentences.push_back(std::move(normalized));
    }
  }
  if (plan.sentences.empty()) return InvalidArgument("text has nothing to speak", "text");
  return plan;
}

Status Synthesizer::Run(const SynthesisPlan& plan, const ChunkSink& sink,
                        const std::function<bool()>& canceled) const {
  for (const std::string& sentence : plan.sentences) {
    if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
    VOX_ASSIGN_OR_RETURN(audio::PcmBuffer chunk,
                         plan.engine->Synthesize(sentence, plan.voice, plan.params));
    VOX_RETURN_IF_ERROR(sink(chunk));
  }
  return {};
}

}  // namespace vox::engines
