#include "voice/conversion_guard.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "asr/wer.h"
#include "voice/conversion_fit.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::voice {
namespace {

using engines::VoiceConversion;

struct Measured {
  Embedding embedding;
  std::optional<double> wer;
};

// Synthesizes the guard passage (through `conversion`, or plain when null),
// embeds it, and when a transcriber is given transcribes each sentence on its
// own (pocketsphinx does worse on long concatenations) for the word error rate.
Result<Measured> Measure(engines::VoiceConversionEngine& flite, const std::string& voice_id,
                         std::shared_ptr<const VoiceConversion> conversion,
                         asr::Transcriber* transcriber) {
  audio::PcmBuffer all;
  size_t words = 0, errors = 0;
  for (const std::string& sentence : GuardPassage()) {
    VOX_ASSIGN_OR_RETURN(audio::PcmBuffer pcm,
                         SynthesizePassage(flite, voice_id, {sentence}, conversion));
    if (transcriber != nullptr) {
      VOX_ASSIGN_OR_RETURN(std::string heard, transcriber->Transcribe(pcm));
      const asr::WerResult w = asr::WordErrors(sentence, heard);
      words += w.reference_words;
      errors += w.errors;
    }
    all.sample_rate = pcm.sample_rate;
    all.samples.insert(all.samples.end(), pcm.samples.begin(), pcm.samples.end());
  }
  StatsSpeakerEncoder encoder;
  VOX_ASSIGN_OR_RETURN(Embedding embedding, encoder.Embed(all));
  Measured m{std::move(embedding), std::nullopt};
  if (transcriber != nullptr && words > 0) m.wer = static_cast<double>(errors) / words;
  return m;
}

// The unconverted base voice on the guard passage: a pure function of the
// voice (and the ASR model, of which Vox has one), so measured once per process.
Result<Measured> BaseMeasured(engines::VoiceConversionEngine& flite, const std::string& voice_id,
                              asr::Transcriber* transcriber) {
  static std::mutex mu;
  static std::map<std::string, Measured> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(voice_id);
  if (it != cache.end() && (transcriber == nullptr || it->second.wer)) return it->second;
  VOX_ASSIGN_OR_RETURN(Measured m, Measure(flite, voice_id, nullptr, transcriber));
  cache.insert_or_assign(voice_id, m);
  return m;
}

}  // namespace

Status GuardOptions::Validate() const {
  if (!(min_similarity_gain >= 0.0 && min_similarity_gain <= 1.0)) {
    return InvalidArgument("min_similarity_gain must be in 0..1", "options.min_similarity_gain");
  }
  if (!(max_wer_increase >= 0.0 && max_wer_increase <= 1.0)) {
    return InvalidArgument("max_wer_increase must be in 0..1", "options.max_wer_increase");
  }
  return {};
}

const std::vector<std::string>& GuardPassage() {
  static const std::vector<std::string> kSentences = {
      "A six comes up more often than a ten.",
      "Hurdle the pit with the aid of a long pole.",
      "A strong bid may scare your partner stiff.",
      "Even the worst will beat his low score.",
      "Cut the pie into large parts.",
      "Men strive but seldom get rich.",
  };
  return kSentences;
}

Result<engines::VoiceConversion> GuardConversion(const std::string& base_voice,
                                                 const std::vector<GuardRung>& rungs,
                                                 const Embedding& target_embedding,
                                                 engines::VoiceConversionEngine& flite,
                                                 asr::Transcriber* transcriber,
                                                 const GuardOptions& options, GuardReport& report) {
  VOX_RETURN_IF_ERROR(options.Validate());
  report = {};
  VOX_ASSIGN_OR_RETURN(const Measured base, BaseMeasured(flite, base_voice, transcriber));
  VOX_ASSIGN_OR_RETURN(report.base_similarity, CosineSimilarity(base.embedding, target_embedding));
  report.base_wer = base.wer.value_or(-1.0);
  for (const GuardRung& rung : rungs) {
    VOX_ASSIGN_OR_RETURN(VoiceConversion conversion, rung.make());
    VOX_ASSIGN_OR_RETURN(const Measured m,
                         Measure(flite, base_voice,
                                 std::make_shared<const VoiceConversion>(conversion), transcriber));
    GuardStep step{rung.step, 0.0, m.wer.value_or(-1.0), false, ""};
    VOX_ASSIGN_OR_RETURN(step.similarity, CosineSimilarity(m.embedding, target_embedding));
    const double needed = report.base_similarity + options.min_similarity_gain;
    if (!(step.similarity > needed)) {
      step.reason = fmt::format("cosine to the target {:.3f} is not above the base voice's {:.3f}",
                                step.similarity, report.base_similarity);
    } else if (m.wer && base.wer && *m.wer > *base.wer + options.max_wer_increase) {
      step.reason =
          fmt::format("word error rate {:.2f} exceeds the base voice's {:.2f} by more than {:.2f}",
                      *m.wer, *base.wer, options.max_wer_increase);
    } else {
      step.accepted = true;
      step.reason = fmt::format("cosine {:.3f} over the base voice's {:.3f}", step.similarity,
                                report.base_similarity);
      if (m.wer && base.wer) {
        step.reason += fmt::format(", word error rate {:.2f} vs {:.2f}", *m.wer, *base.wer);
      }
    }
    report.steps.push_back(step);
    if (step.accepted) {
      report.chosen = rung.step;
      return conversion;
    }
  }
  report.chosen = "base_voice";
  report.steps.push_back({"base_voice", report.base_similarity, report.base_wer, true,
                          "no conversion was both more similar than the base voice and "
                          "intelligible within the bound: the base voice unchanged"});
  return VoiceConversion::Identity(base_voice);
}

}  // namespace vox::voice
