// Quality: each English voice speaks the quality gate's fixed set (rollout/gate_set.h, the
// same sentences `vox models promote` judges a canary on) over the stream route, and the
// recognizer's word error rate over the set is held to a bound per voice or engine. A clone
// named in the configuration speaks too, and its speaker similarity is held to a floor:
// against a reference recording when one is given (computed here, with the encoder the
// platform uses), otherwise the score the server recorded on the job.
#include <fmt/format.h>

#include "audio/decode.h"
#include "rollout/gate_set.h"
#include "staging/checks.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::staging {
namespace {

using nlohmann::json;

void CheckWer(const RunContext& run, const ListedVoice& voice, Report& report) {
  asr::WerResult total;
  std::vector<std::string> heard_all;
  for (const rollout::GateSentence& s : rollout::GateSentences()) {
    auto streamed = run.api.Stream({{"text", std::string(s.text)}, {"voice_id", voice.id}});
    std::string heard;
    auto errors = streamed ? HeardErrors(run.asr, streamed->pcm, std::string(s.reference), heard)
                           : Result<asr::WerResult>(std::unexpected(streamed.error()));
    if (!errors) {
      report.Judge("quality", "quality.wer", voice.id, std::nullopt,
                   "<=", run.config.quality.MaxWerFor(voice.id, voice.engine),
                   errors.error().message);
      return;
    }
    total.reference_words += errors->reference_words;
    total.errors += errors->errors;
    heard_all.push_back(heard);
  }
  report.Judge("quality", "quality.wer", voice.id, total.wer(),
               "<=", run.config.quality.MaxWerFor(voice.id, voice.engine),
               fmt::format("{} of {} words wrong; heard \"{}\"", total.errors,
                           total.reference_words, fmt::join(heard_all, " / ")));
}

Result<double> CloneSimilarity(const RunContext& run) {
  const QualityConfig& q = run.config.quality;
  json request = {{"text", "The quick brown fox jumps over the lazy dog. Run " + run.run_id + "."},
                  {"voice_id", q.clone_voice_id},
                  {"format", "wav"}};
  const auto timeout = run.config.request_timeout();
  VOX_ASSIGN_OR_RETURN(FinishedJob done,
                       run.api.RunJob(request, timeout, std::chrono::milliseconds(50)));
  if (q.clone_reference_audio.empty()) {
    if (!done.job.value("voice_similarity", json()).is_number()) {
      return Unavailable(
          "the server recorded no voice_similarity on the job; give "
          "quality.clone_reference_audio to measure it here");
    }
    return done.job["voice_similarity"].get<double>();
  }
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer spoken, run.api.FetchAudio(done.job));
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer reference, audio::DecodeFile(q.clone_reference_audio));
  voice::StatsSpeakerEncoder encoder;
  VOX_ASSIGN_OR_RETURN(voice::Embedding a, encoder.Embed(reference));
  VOX_ASSIGN_OR_RETURN(voice::Embedding b, encoder.Embed(spoken));
  return voice::CosineSimilarity(a, b);
}

}  // namespace

void CheckQuality(const RunContext& run, const std::vector<ListedVoice>& voices, Report& report) {
  const QualityConfig& q = run.config.quality;
  std::vector<ListedVoice> english;
  for (const ListedVoice& v : voices) {
    const bool listed = std::find(q.voices.begin(), q.voices.end(), v.id) != q.voices.end();
    const bool chosen =
        q.voices.empty() ? v.kind == "builtin" && v.language.starts_with("en") && q.Judged(v.engine)
                         : listed;
    if (chosen) english.push_back(v);
  }
  for (const std::string& id : q.voices) {
    auto found = std::find_if(english.begin(), english.end(),
                              [&](const ListedVoice& v) { return v.id == id; });
    if (found == english.end()) {
      report.Outcome("quality", "quality.wer", id, false, "the server lists no ready voice " + id);
    }
  }
  for (const ListedVoice& v : english) CheckWer(run, v, report);
  if (!q.clone_voice_id.empty()) {
    auto similarity = CloneSimilarity(run);
    report.Judge("quality", "quality.min_clone_similarity", q.clone_voice_id,
                 similarity ? std::optional<double>(*similarity) : std::nullopt,
                 ">=", q.min_clone_similarity,
                 similarity ? (q.clone_reference_audio.empty() ? "the server's score"
                                                               : "against the reference recording")
                            : similarity.error().message);
  }
}

}  // namespace vox::staging
