#include "rollout/quality_gate.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "asr/wer.h"
#include "engines/synthesizer.h"
#include "rollout/gate_set.h"

namespace vox::rollout {
namespace {

using nlohmann::json;

json Figure(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

json ScoreJson(const VersionScore& s) {
  return {{"voice", s.voice},
          {"wer", Figure(s.wer)},
          {"rtf", Figure(s.rtf)},
          {"audio_s", s.audio_s},
          {"heard", s.heard}};
}

struct Spoken {
  VersionScore score;
  audio::PcmBuffer audio;  // the whole set, one sentence after another
};

Result<Spoken> Speak(const engines::Synthesizer& synthesizer, const std::string& voice,
                     asr::Transcriber& asr) {
  using Clock = std::chrono::steady_clock;
  const text::TextLimits limits;
  const auto sentences = GateSentences();
  auto run = [&](std::string_view text, audio::PcmBuffer& out) -> Result<double> {
    VOX_ASSIGN_OR_RETURN(auto plan, synthesizer.Prepare(text, voice, {}, limits));
    const auto start = Clock::now();
    VOX_RETURN_IF_ERROR(synthesizer.Run(plan, [&](const audio::PcmBuffer& chunk) {
      out.sample_rate = chunk.sample_rate;
      out.samples.insert(out.samples.end(), chunk.samples.begin(), chunk.samples.end());
      return Status{};
    }));
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  audio::PcmBuffer warm_up;
  VOX_RETURN_IF_ERROR(run(sentences[0].text, warm_up));
  VOX_ASSIGN_OR_RETURN(auto plan, synthesizer.Prepare(sentences[0].text, voice, {}, limits));
  const bool english = plan.voice.language.starts_with("en");

  Spoken spoken;
  spoken.score.voice = voice;
  double synth_s = 0;
  asr::WerResult errors;
  for (const GateSentence& s : sentences) {
    audio::PcmBuffer pcm;
    VOX_ASSIGN_OR_RETURN(double seconds, run(s.text, pcm));
    synth_s += seconds;
    spoken.score.audio_s += pcm.duration_s();
    if (english) {
      VOX_ASSIGN_OR_RETURN(std::string heard,
                           pcm.empty() ? Result<std::string>("") : asr.Transcribe(pcm));
      const asr::WerResult e = asr::WordErrors(s.reference, heard);
      errors.reference_words += e.reference_words;
      errors.errors += e.errors;
      spoken.score.heard.push_back(std::move(heard));
    }
    spoken.audio.sample_rate = pcm.sample_rate;
    spoken.audio.samples.insert(spoken.audio.samples.end(), pcm.samples.begin(), pcm.samples.end());
  }
  if (english) spoken.score.wer = errors.wer();
  spoken.score.rtf = spoken.score.audio_s > 0 ? synth_s / spoken.score.audio_s
                                              : std::numeric_limits<double>::infinity();
  return spoken;
}

}  // namespace

Status GateBounds::Validate() const {
  if (!(max_wer_increase >= 0 && max_wer_increase <= 10)) {
    return InvalidArgument("must be 0..10", "--max-wer-increase");
  }
  if (!(min_similarity >= -1 && min_similarity <= 1)) {
    return InvalidArgument("must be -1..1", "--min-similarity");
  }
  if (!(max_rtf_ratio > 0 && max_rtf_ratio <= 1000)) {
    return InvalidArgument("must be above 0, at most 1000", "--max-rtf-ratio");
  }
  return {};
}

json GateReport::ToJson() const {
  json checks_json = json::array();
  for (const GateCheck& c : checks) {
    checks_json.push_back({{"name", c.name},
                           {"passed", c.passed},
                           {"value", Figure(c.value)},
                           {"bound", c.bound},
                           {"detail", c.detail}});
  }
  return {{"passed", passed},
          {"stable", ScoreJson(stable)},
          {"candidate", ScoreJson(candidate)},
          {"similarity", Figure(similarity)},
          {"checks", checks_json}};
}

GateReport Judge(VersionScore stable, VersionScore candidate, std::optional<double> similarity,
                 const std::string& similarity_error, const GateBounds& bounds) {
  GateReport r;
  GateCheck wer{"wer", true, candidate.wer, 0, ""};
  if (stable.wer && candidate.wer) {
    wer.bound = *stable.wer + bounds.max_wer_increase;
    wer.passed = *candidate.wer <= wer.bound;
    wer.detail = fmt::format("stable {:.3f}", *stable.wer);
  } else {
    wer.detail = "not judged: the voice is not English";
  }
  GateCheck sim{"similarity", false, similarity, bounds.min_similarity, similarity_error};
  sim.passed = similarity && *similarity >= bounds.min_similarity;
  GateCheck rtf{"rtf", false, candidate.rtf, stable.rtf * bounds.max_rtf_ratio, ""};
  rtf.passed = std::isfinite(candidate.rtf) && candidate.rtf <= rtf.bound;
  rtf.detail = std::isfinite(candidate.rtf) ? fmt::format("stable {:.4f}", stable.rtf)
                                            : "the candidate produced no audio";
  r.checks = {wer, sim, rtf};
  r.passed = wer.passed && sim.passed && rtf.passed;
  r.stable = std::move(stable);
  r.candidate = std::move(candidate);
  r.similarity = similarity;
  return r;
}

Result<GateReport> EvaluateCanary(const engines::EngineRegistry& engines,
                                  const std::string& stable_voice,
                                  const std::string& candidate_voice, const GateBounds& bounds,
                                  asr::Transcriber& asr, voice::SpeakerEncoder& encoder) {
  VOX_RETURN_IF_ERROR(bounds.Validate());
  const engines::Synthesizer synthesizer(engines);
  VOX_ASSIGN_OR_RETURN(Spoken stable, Speak(synthesizer, stable_voice, asr));
  VOX_ASSIGN_OR_RETURN(Spoken candidate, Speak(synthesizer, candidate_voice, asr));
  std::optional<double> similarity;
  std::string why;
  auto a = encoder.Embed(stable.audio);
  auto b = candidate.audio.empty() ? Result<voice::Embedding>(InvalidArgument("no audio", "audio"))
                                   : encoder.Embed(candidate.audio);
  if (!a) {
    why = "the stable version's audio cannot be embedded: " + a.error().message;
  } else if (!b) {
    why = "the candidate's audio cannot be embedded: " + b.error().message;
  } else if (auto cos = voice::CosineSimilarity(*a, *b); cos) {
    similarity = *cos;
  } else {
    why = cos.error().message;
  }
  return Judge(std::move(stable.score), std::move(candidate.score), similarity, why, bounds);
}

}  // namespace vox::rollout
