// Voice cloning by parameter-level conversion of flite's clustergen voices
// (engines/voice_conversion.h, voice/conversion_fit.h), on target speakers made
// with command-line tools, none of them a base voice (slt, rms, awb) itself.
//
// Per target: enrol on ~60 s of its speech (30 Harvard sentences), fit, then
// speak 8 held-out sentences in the clone and in the chosen base voice, and
// print one JSON line:
//   f0        clone's F0 median vs the target's on the same held-out text
//             (pass: within 10%)
//   cosine    stats/1 speaker-embedding cosine to the target's enrolment,
//             clone vs base voice (pass: clone higher)
//   wer       pocketsphinx word error rate of clone vs base voice on the
//             held-out text (pass: clone within 10 points of the base voice)
//   fit_s     wall time of analysing the enrolment and fitting (one core),
//             the fit's ASR guard included
//   guard     which conversion the fit's guard accepted (full, no_warp,
//             pitch_only, base_voice) and each step's cosine and WER
//   clone_rtf synthesis wall time / audio duration of the cloned voice
// then a summary line. Target audio is cached in <build>/voice_test_corpus.
// Progress goes to stderr. Usage: vox_clone_bench [target-id...]; with
// VOX_CLONE_BENCH_DUMP=DIR set, each target's held-out clone, base voice and
// target audio are written there as WAV for listening; VOX_CLONE_BIAS_RIDGE
// overrides ConversionFitOptions::bias_ridge (how hard the envelope is matched).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "asr/transcriber.h"
#include "audio/encode.h"
#include "asr/wer.h"
#include "engines/flite_engine.h"
#include "voice/conversion_fit.h"
#include "voice/speaker_encoder.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"
#include "voice/voice_profile.h"

namespace {

using Clock = std::chrono::steady_clock;
using vox::audio::PcmBuffer;
using vox::voice::testing::TestSpeaker;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Harvard sentences (IEEE 1969, public domain), lists 3, 5, 6: enrolment.
const std::vector<std::string> kEnrol = {
    "The small pup gnawed a hole in the sock.", "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.", "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.", "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.", "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.", "Read verse out loud for pleasure.",
    "A king ruled the state in the early days.", "The ship was torn apart on the sharp reef.",
    "Sickness kept him home the third week.", "The wide road shimmered in the hot sun.",
    "The lazy cow lay in the cool grass.", "Lift the square stone over the fence.",
    "The rope will bind the seven books at once.", "Hop over the fence and plunge in.",
    "The friendly gang left the drug store.", "Mesh wire keeps chicks inside.",
    "The frosty air passed through the coat.", "The crooked maze failed to fool the mouse.",
    "Adding fast leads to wrong sums.", "The show was a flop from the very start.",
    "A saw is a tool used for making boards.", "The wagon moved on well oiled wheels.",
    "March the soldiers past the next hill.", "A cup of sugar makes sweet fudge.",
    "Place a rosebush near the porch steps.", "Both lost their lives in the raging storm.",
};
// List 8: held out.
const std::vector<std::string> kHeldOut = {
    "A yacht slid around the point into the bay.", "The two met while playing on the sand.",
    "The ink stain dried on the finished page.",   "The walled town was seized without a fight.",
    "The lease ran out in sixteen weeks.",         "A tame squirrel makes a nice pet.",
    "The horn of the car woke the sleeping cop.",  "The heart beat strongly and with firm strokes.",
};

TestSpeaker Cli(std::string id, std::vector<std::string> tools, std::string command) {
  return {std::move(id), std::move(tools), std::move(command)};
}
TestSpeaker SoxOf(const std::string& id, const std::string& base_cmd, const std::string& effects,
                  std::vector<std::string> tools) {
  tools.push_back("sox");
  std::string cmd = base_cmd;
  cmd.replace(cmd.find("{out}"), 5, "{tmp}");
  return {id, tools, cmd + " && sox -D {tmp} {out} " + effects};
}

std::vector<TestSpeaker> Targets() {
  const std::string slt = "flite -voice slt -f {text} -o {out}";
  const std::string rms = "flite -voice rms -f {text} -o {out}";
  const std::string awb_low = "flite -voice awb --setf f0_shift=0.8696 -f {text} -o {out}";
  std::vector<TestSpeaker> targets = {
      Cli("festival-ked", {"text2wave"},
          "text2wave -eval '(voice_ked_diphone)' {text} -o {out} 2>/dev/null"),
      Cli("flite-kal16", {"flite"}, "flite -voice kal16 -f {text} -o {out}"),
      Cli("espeak-en+m3", {"espeak-ng"}, "espeak-ng -v en+m3 -f {text} -w {out}"),
      Cli("espeak-en+f2", {"espeak-ng"}, "espeak-ng -v en+f2 -f {text} -w {out}"),
      Cli("espeak-en+f4", {"espeak-ng"}, "espeak-ng -v en+f4 -f {text} -w {out}"),
      // sox pitch shifts F0 and formants together: a smaller / larger person.
      SoxOf("flite-slt-shift+20", slt, "pitch 316", {"flite"}),
      SoxOf("flite-slt-shift-10", slt, "pitch -182", {"flite"}),
      SoxOf("flite-rms-shift-15", rms, "pitch -281", {"flite"}),
      SoxOf("flite-rms-shift+12", rms, "pitch 196", {"flite"}),
      // Formants only +15% (F0 lowered in the engine first, then all sped up 1.15).
      SoxOf("flite-awb-formant+15", awb_low, "speed 1.15 tempo 0.8696", {"flite"}),
  };
  // F0 moved with the formants kept (TD-PSOLA): the fit must not read the pitch
  // as a shorter vocal tract.
  for (TestSpeaker& s : vox::voice::testing::PitchMovedSpeakers()) targets.push_back(std::move(s));
  return targets;
}

PcmBuffer Concat(const std::vector<PcmBuffer>& parts) {
  PcmBuffer all;
  for (const PcmBuffer& p : parts) {
    all.sample_rate = p.sample_rate;
    all.samples.insert(all.samples.end(), p.samples.begin(), p.samples.end());
  }
  return all;
}

// Word errors over sentences, each transcribed on its own.
double Wer(vox::asr::Transcriber& asr, const std::vector<PcmBuffer>& audio) {
  size_t words = 0, errors = 0;
  for (size_t i = 0; i < audio.size(); ++i) {
    auto text = asr.Transcribe(audio[i]);
    const auto w = vox::asr::WordErrors(kHeldOut[i], text ? *text : "");
    words += w.reference_words;
    errors += w.errors;
  }
  return words ? static_cast<double>(errors) / words : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> only(argv + 1, argv + argc);
  auto flite = vox::engines::FliteEngine::Create();
  auto asr = vox::asr::Transcriber::Create({});
  if (!flite || !asr) {
    std::cerr << "setup failed: " << (!flite ? flite.error() : asr.error()).ToString() << "\n";
    return 1;
  }
  // Base-voice statistics are computed once per process; time them apart.
  const auto stats_start = Clock::now();
  for (const char* v : vox::engines::VoiceConversion::kBaseVoices) {
    if (auto s = vox::voice::BaseStats(**flite, v); !s) {
      std::cerr << v << ": " << s.error().ToString() << "\n";
      return 1;
    }
  }
  const double base_stats_s = Seconds(stats_start);

  vox::voice::StatsSpeakerEncoder encoder;
  const std::string cache = vox::voice::testing::DefaultCacheDir();
  int rows = 0, passed_all = 0, passed_f0 = 0, passed_cos = 0, passed_wer = 0;
  for (const TestSpeaker& target : Targets()) {
    if (!only.empty() && std::find(only.begin(), only.end(), target.id) == only.end()) continue;
    if (!vox::voice::testing::ToolsAvailable(target)) {
      std::cerr << target.id << ": tools missing, skipped\n";
      continue;
    }
    std::cerr << target.id << "...\n";
    auto speak = [&](const std::vector<std::string>& sentences) {
      std::vector<PcmBuffer> out;
      for (const std::string& s : sentences) {
        auto pcm = vox::voice::testing::Synthesize(target, s, cache);
        if (!pcm) {
          std::cerr << pcm.error().ToString() << "\n";
          std::exit(1);
        }
        out.push_back(std::move(*pcm));
      }
      return out;
    };
    const PcmBuffer enrol = Concat(speak(kEnrol));
    const std::vector<PcmBuffer> target_held = speak(kHeldOut);

    const auto fit_start = Clock::now();
    auto profile = vox::voice::AnalyzeVoice(enrol);
    if (!profile) {
      std::cerr << target.id << ": " << profile.error().ToString() << "\n";
      continue;
    }
    vox::voice::ConversionFitReport report;
    vox::voice::ConversionFitOptions options;
    if (const char* ridge = std::getenv("VOX_CLONE_BIAS_RIDGE")) options.bias_ridge = std::atof(ridge);
    auto fit = vox::voice::FitConversion(*profile, enrol, **flite, options, &report, asr->get());
    const double fit_s = Seconds(fit_start);
    if (!fit) {
      std::cerr << target.id << ": " << fit.error().ToString() << "\n";
      continue;
    }
    const auto conversion = std::make_shared<const vox::engines::VoiceConversion>(*fit);
    const vox::engines::VoiceInfo* voice = nullptr;
    for (const auto& v : (*flite)->voices()) {
      if (v.id == fit->base_voice) voice = &v;
    }

    std::vector<PcmBuffer> clone, base;
    double synth_s = 0.0;
    vox::engines::SynthesisParams converted;
    converted.conversion = conversion;
    for (const std::string& s : kHeldOut) {
      const auto start = Clock::now();
      auto c = (*flite)->Synthesize(s, *voice, converted);
      synth_s += Seconds(start);
      auto b = (*flite)->Synthesize(s, *voice, {});
      if (!c || !b) return 1;
      clone.push_back(std::move(*c));
      base.push_back(std::move(*b));
    }
    const PcmBuffer clone_all = Concat(clone), base_all = Concat(base);
    if (const char* dir = std::getenv("VOX_CLONE_BENCH_DUMP")) {
      for (const auto& [name, pcm] : {std::pair{"clone", &clone_all}, std::pair{"base", &base_all}}) {
        vox::audio::EncodeOptions options;
        options.format = vox::audio::Format::kWav;
        if (auto bytes = vox::audio::Encode(*pcm, options)) {
          std::ofstream(std::string(dir) + "/" + target.id + "-" + name + ".wav", std::ios::binary)
              << *bytes;
        }
      }
    }
    auto target_held_profile = vox::voice::AnalyzeVoice(Concat(target_held));
    auto clone_profile = vox::voice::AnalyzeVoice(clone_all);
    auto target_emb = encoder.Embed(enrol);
    auto clone_emb = encoder.Embed(clone_all);
    auto base_emb = encoder.Embed(base_all);
    if (!target_held_profile || !clone_profile || !target_emb || !clone_emb || !base_emb) return 1;
    const double cos_clone = *vox::voice::CosineSimilarity(*clone_emb, *target_emb);
    const double cos_base = *vox::voice::CosineSimilarity(*base_emb, *target_emb);
    const double wer_clone = Wer(**asr, clone), wer_base = Wer(**asr, base);
    const double wer_target = Wer(**asr, target_held);  // context: how well ASR hears the target
    const double f0_ratio = clone_profile->f0_median_hz / target_held_profile->f0_median_hz;

    const bool f0_pass = std::abs(f0_ratio - 1.0) <= 0.10;
    const bool cos_pass = cos_clone > cos_base;
    const bool wer_pass = wer_clone <= wer_base + 0.10;
    nlohmann::json candidates = nlohmann::json::object();
    for (const auto& c : report.candidates) candidates[c.base_voice] = c.similarity;
    nlohmann::json guard_steps = nlohmann::json::array();
    for (const auto& g : report.guard.steps) {
      guard_steps.push_back(
          {{"step", g.step}, {"cosine", g.similarity}, {"wer", g.wer}, {"accepted", g.accepted}});
    }
    const nlohmann::json row = {
        {"target", target.id},
        {"base_voice", fit->base_voice},
        {"enrol_s", enrol.duration_s()},
        {"fit_s", fit_s},
        {"clone_rtf", synth_s / clone_all.duration_s()},
        {"f0_target_hz", target_held_profile->f0_median_hz},
        {"f0_clone_hz", clone_profile->f0_median_hz},
        {"f0_ratio", f0_ratio},
        {"f0_pass", f0_pass},
        {"formant_scale_target", target_held_profile->formant_scale},
        {"formant_scale_clone", clone_profile->formant_scale},
        {"frequency_warp", fit->frequency_warp},
        {"cosine_clone", cos_clone},
        {"cosine_base", cos_base},
        {"cosine_pass", cos_pass},
        {"wer_clone", wer_clone},
        {"wer_base", wer_base},
        {"wer_pass", wer_pass},
        {"wer_target", wer_target},
        {"fit_trial_cosines", candidates},
        {"guard_chosen", report.guard.chosen},
        {"guard_steps", guard_steps},
        {"conversion", fit->ToJson()},
    };
    std::cout << row.dump() << std::endl;
    ++rows;
    passed_f0 += f0_pass;
    passed_cos += cos_pass;
    passed_wer += wer_pass;
    passed_all += f0_pass && cos_pass && wer_pass;
  }
  std::cout << nlohmann::json{{"summary", "clone"},
                              {"targets", rows},
                              {"passed_all", passed_all},
                              {"passed_f0", passed_f0},
                              {"passed_cosine", passed_cos},
                              {"passed_wer", passed_wer},
                              {"base_stats_s", base_stats_s}}
                   .dump()
            << std::endl;
  return 0;
}
