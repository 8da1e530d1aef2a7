// Dumps, one TSV row per recording, the stats/1 embedding and the raw source
// features (source_features.h) of: the background set, the evaluation set, and
// Vox clones of every evaluation speaker (FitConversion on 7 of its sentences,
// no ASR guard: the attacker's most similar clone) reading the 6 held-out
// sentences. tools/source_eval.py turns the dump into background statistics,
// EERs and attack scores. Usage: voice_dump_speaker_features [cache-dir] > dump.tsv
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engines/flite_engine.h"
#include "voice/conversion_fit.h"
#include "voice/source_features.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"

using namespace vox;
using namespace vox::voice;

namespace {

bool Row(const char* set, const std::string& speaker, int sentence, const audio::PcmBuffer& pcm) {
  auto mono = PrepareAudio(pcm);
  auto analysis =
      mono ? AnalyzeSpeech(*mono) : Result<SpeechAnalysis>(std::unexpected(mono.error()));
  if (!analysis) {
    std::fprintf(stderr, "%s %s #%d: %s\n", set, speaker.c_str(), sentence,
                 analysis.error().ToString().c_str());
    return false;
  }
  static StatsSpeakerEncoder stats;
  const Embedding e = stats.EmbedAnalysis(*analysis);
  std::printf("%s\t%s\t%d", set, speaker.c_str(), sentence);
  for (float v : e.values) std::printf("\t%.6g", v);
  for (double v : SourceFeatures(*mono, *analysis)) std::printf("\t%.6g", v);
  std::printf("\n");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cache = argc > 1 ? argv[1] : testing::DefaultCacheDir();
  const bool clones = argc <= 2 || std::string(argv[2]) != "noclone";
  std::printf("set\tspeaker\tsentence");
  for (int i = 0; i < StatsSpeakerEncoder::kRawDim; ++i) std::printf("\tstats%d", i);
  for (const auto& n : SourceFeatureNames()) std::printf("\t%s", n.c_str());
  std::printf("\n");
  for (const auto& s : testing::BackgroundSpeakers()) {
    for (std::size_t i = 0; i < testing::BackgroundSentences().size(); ++i) {
      auto pcm = testing::Synthesize(s, testing::BackgroundSentences()[i], cache);
      if (!pcm || !Row("bg", s.id, i, *pcm)) return 1;
    }
  }
  const auto& sentences = testing::EvaluationSentences();
  std::vector<testing::TestSpeaker> speakers = testing::EvaluationSpeakers();
  for (const auto& s : testing::PitchMovedSpeakers()) speakers.push_back(s);
  auto flite = engines::FliteEngine::Create();
  if (!flite) return 1;
  for (const auto& s : speakers) {
    audio::PcmBuffer enrol;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      auto pcm = testing::Synthesize(s, sentences[i], cache);
      if (!pcm || !Row("eval", s.id, i, *pcm)) return 1;
      if (i < 7) {
        enrol.sample_rate = pcm->sample_rate;
        enrol.samples.insert(enrol.samples.end(), pcm->samples.begin(), pcm->samples.end());
      }
    }
    if (!clones) continue;
    auto profile = AnalyzeVoice(enrol);
    auto fit = profile ? FitConversion(*profile, enrol, **flite)
                       : Result<engines::VoiceConversion>(std::unexpected(profile.error()));
    if (!fit) {
      std::fprintf(stderr, "fit %s: %s\n", s.id.c_str(), fit.error().ToString().c_str());
      continue;
    }
    auto conversion = std::make_shared<const engines::VoiceConversion>(*fit);
    for (std::size_t i = 4; i < sentences.size(); ++i) {
      auto pcm = SynthesizePassage(**flite, fit->base_voice, {sentences[i]}, conversion);
      if (!pcm || !Row("clone", s.id, i, *pcm)) return 1;
    }
    std::fflush(stdout);
  }
  return 0;
}
