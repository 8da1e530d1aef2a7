// The watermark at 8 kHz (issue #12): what the mark costs the speech recogniser and what is
// still detected after G.711, per embedding strength. CLI-engine speech (flite, eSpeak NG,
// Festival) is marked at its own rate as the worker does, then resampled to 8 kHz and mu-law
// coded by the stream encoder the routes use, and decoded back:
//   asr:        pocketsphinx (src/asr) on each sentence, unmarked and with several different
//               ids (each id is a different mark), WER against the sentence; and, as the
//               recogniser's own noise, the unmarked sentence 1.25 ms later per id (1.25,
//               2.5, 3.75 ms: a change nobody hears), heard as often as each strength;
//   detection:  presence (sync z >= 5) on 5..60 s cuts, the job named among 100,000
//               candidates (identify.h) on 10..60 s cuts, and the same on unmarked cuts;
//   bands:      at the default strength (first id), the mark's difference kept only below or
//               only above 1 kHz, to see which part moves the recogniser.
// Prints one JSON object (bench/run.sh watermark_narrowband). Sizes from the environment:
// VOX_NB_IDS (ids per sentence, default 3), VOX_NB_SENTENCES (default 6); VOX_NB_PARTS
// "asr", "detection" or both (default); with VOX_NB_FILE (a recording) and VOX_NB_TEXT (what
// it says), that recording with VOX_NB_FILE_IDS ids (default 20) per strength too.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/resampler.h"
#include "audio/stream_encoder.h"
#include "voice/testing/test_corpus.h"
#include "watermark/detector.h"
#include "watermark/embedder.h"
#include "watermark/identify.h"
#include "watermark/layout.h"
#include "watermark/spectrum.h"

namespace corpus = vox::voice::testing;
namespace wm = vox::watermark;
using vox::audio::PcmBuffer;

namespace {

const std::vector<float> kStrengths = {0.20f, 0.14f, 0.10f, 0.07f, 0.05f};

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

uint64_t Lcg(uint64_t& seed) {
  return seed = seed * 6364136223846793005ull + 1442695040888963407ull;
}

PcmBuffer Mark(const wm::Pattern& pattern, const PcmBuffer& pcm, uint64_t id, float strength) {
  if (strength <= 0) return pcm;
  auto embedder = wm::Embedder::Create(pattern, id, pcm.sample_rate, 1, strength);
  PcmBuffer marked{pcm.sample_rate, 1, {}};
  (*embedder)->Process(pcm.samples, marked.samples);
  (*embedder)->Finish(marked.samples);
  return marked;
}

// What a `ulaw` (or ElevenLabs `ulaw_8000`) answer carries: the route's stream encoder
// resamples to 8 kHz (soxr) and codes mu-law; decoded back by libsndfile.
PcmBuffer ThroughUlaw(const PcmBuffer& pcm) {
  auto encoder =
      vox::audio::StreamEncoder::Create({vox::audio::StreamFormat::kUlaw}, pcm.sample_rate);
  std::string bytes;
  if (!encoder || !(*encoder)->Write(pcm, bytes) || !(*encoder)->Finish(bytes)) {
    std::fprintf(stderr, "ulaw encoding failed\n");
    std::exit(1);
  }
  auto decoded =
      vox::audio::DecodeG711(bytes, vox::audio::G711Law::kMu, 8000, {.max_seconds = 3600});
  if (!decoded) {
    std::fprintf(stderr, "ulaw decoding failed: %s\n", decoded.error().ToString().c_str());
    std::exit(1);
  }
  return *decoded;
}

// `original` plus only the part of the mark (marked - original) in [lo_hz, hi_hz): the same
// 40 ms sqrt-Hann frames as the embedder, so the rest of the mark is removed frame by frame.
PcmBuffer KeepMarkBand(const PcmBuffer& original, const PcmBuffer& marked, double lo_hz,
                       double hi_hz) {
  const int hop = original.sample_rate / wm::kFramesPerSecond;
  auto spectrum = wm::Spectrum::Create(2 * hop);
  const std::vector<float> window = wm::SqrtHann(2 * hop);
  const size_t n = original.samples.size();
  std::vector<float> diff(n + 4 * hop, 0.0f), out(n + 4 * hop, 0.0f), frame(2 * hop);
  for (size_t i = 0; i < n; ++i) diff[i + hop] = marked.samples[i] - original.samples[i];
  const double bin_hz = static_cast<double>(original.sample_rate) / (2 * hop);
  for (size_t start = 0; start + 2 * hop <= diff.size(); start += hop) {
    for (int k = 0; k < 2 * hop; ++k) frame[k] = diff[start + k] * window[k];
    (*spectrum)->Forward(frame);
    auto bins = (*spectrum)->bins();
    for (size_t k = 0; k < bins.size(); ++k) {
      const double hz = k * bin_hz;
      if (hz < lo_hz || hz >= hi_hz) bins[k] = 0;
    }
    (*spectrum)->Inverse(frame);
    for (int k = 0; k < 2 * hop; ++k) out[start + k] += frame[k] * window[k];
  }
  PcmBuffer result = original;
  for (size_t i = 0; i < n; ++i) result.samples[i] += out[i + hop];
  return result;
}

double Round(double x, double unit = 0.001) { return std::round(x / unit) * unit; }

// tests/formats_asr_e2e_test.cc's bound on a G.711 answer's WER.
constexpr double kG711Bound = 3.5 / 9;

// A recording counts as well heard when pocketsphinx gets it nearly right unmarked at 8 kHz
// (as the e2e test's sentence is, 1/9): the wideband model hears most narrowband speech badly
// whatever the mark, and a sentence already at 0.8 cannot show what the mark costs.
constexpr double kWellHeard = 0.25;

struct WerStats {
  std::vector<double> wers;
  std::vector<double> deltas;   // marked WER minus the same recording's unmarked WER
  std::vector<double> changes;  // WER of the marked transcript against the unmarked one
  nlohmann::json Json() const {
    auto mean = [](const std::vector<double>& v) {
      double s = 0;
      for (double x : v) s += x;
      return v.empty() ? 0.0 : s / v.size();
    };
    int worse = 0, worse_third = 0, over_bound = 0;
    for (double d : deltas) {
      worse += d > 1e-9;
      worse_third += d > 0.3;
    }
    for (double w : wers) over_bound += w > kG711Bound;
    double var = 0;
    for (double w : wers) var += (w - mean(wers)) * (w - mean(wers));
    return {{"answers", wers.size()},
            {"wer_mean", Round(mean(wers))},
            {"wer_max", Round(wers.empty() ? 0 : *std::max_element(wers.begin(), wers.end()))},
            {"wer_minus_unmarked_mean", Round(mean(deltas))},
            {"worse_than_unmarked", worse},
            {"worse_by_over_0.3", worse_third},
            {"over_e2e_bound", over_bound},
            {"wer_sd", Round(std::sqrt(var / std::max<size_t>(1, wers.size())))},
            {"transcript_changed_wer_mean", Round(mean(changes))}};
  }
};

// Recognition: each speaker's sentences at 8 kHz mu-law, unmarked and marked with `ids` ids
// per strength (plus the band-split variants at the default strength).
nlohmann::json AsrTable(const wm::Pattern& pattern, vox::asr::Transcriber& transcriber,
                        const std::vector<std::string>& speakers,
                        const std::vector<std::string>& sentences, int ids) {
  std::map<std::string, WerStats> stats, well;  // by condition: all, well-heard recordings
  WerStats unmarked, unmarked_well;
  nlohmann::json answers = nlohmann::json::array();
  uint64_t seed = 2026;
  for (const std::string& speaker_id : speakers) {
    const auto speaker = corpus::SpeakerById(speaker_id);
    if (!corpus::ToolsAvailable(speaker)) continue;
    for (const std::string& sentence : sentences) {
      auto pcm = corpus::Synthesize(speaker, sentence, corpus::DefaultCacheDir());
      if (!pcm) {
        std::fprintf(stderr, "%s: %s\n", speaker_id.c_str(), pcm.error().ToString().c_str());
        std::exit(1);
      }
      auto plain = transcriber.Transcribe(ThroughUlaw(*pcm));
      if (!plain) std::exit(1);
      const double base = vox::asr::WordErrors(sentence, *plain).wer();
      for (WerStats* u : {&unmarked, &unmarked_well}) {
        if (u == &unmarked_well && base > kWellHeard) continue;
        u->wers.push_back(base);
        u->deltas.push_back(0);
        u->changes.push_back(0);
      }
      nlohmann::json answer = {{"speaker", speaker_id}, {"sentence", sentence}, {"unmarked", base}};
      std::fprintf(stderr, "%s | %s | unmarked %.2f: %s\n", speaker_id.c_str(), sentence.c_str(),
                   base, plain->c_str());
      std::fflush(stderr);
      auto hear = [&](const std::string& condition, const PcmBuffer& marked) {
        auto heard = transcriber.Transcribe(ThroughUlaw(marked));
        if (!heard) std::exit(1);
        const double wer = vox::asr::WordErrors(sentence, *heard).wer();
        for (WerStats* s : {&stats[condition], &well[condition]}) {
          if (s == &well[condition] && base > kWellHeard) continue;
          s->wers.push_back(wer);
          s->deltas.push_back(wer - base);
          s->changes.push_back(vox::asr::WordErrors(*plain, *heard).wer());
        }
        answer[condition].push_back(Round(wer));
        if (wer - base > 0.3) {
          std::fprintf(stderr, "  %s %.2f: %s\n", condition.c_str(), wer, heard->c_str());
        }
      };
      for (int i = 0; i < ids; ++i) {
        // The recogniser's own noise: the unmarked speech a few samples later (i + 1 times
        // 1.25 ms of leading silence), a change nobody hears, heard as often as each mark.
        PcmBuffer later = *pcm;
        later.samples.insert(later.samples.begin(), pcm->sample_rate * (i + 1) / 800, 0.0f);
        hear("unmarked_shifted", later);
        const uint64_t id = Lcg(seed);
        for (float strength : kStrengths) {
          const PcmBuffer marked = Mark(pattern, *pcm, id, strength);
          char name[32];
          std::snprintf(name, sizeof name, "%.2f", strength);
          hear(name, marked);
          if (strength == wm::kDefaultStrength && i == 0) {
            hear("0.20_below_1kHz_only", KeepMarkBand(*pcm, marked, 0, 1000));
            hear("0.20_above_1kHz_only", KeepMarkBand(*pcm, marked, 1000, 1e9));
          }
        }
      }
      answers.push_back(answer);
    }
  }
  auto table = [&](const WerStats& plain, std::map<std::string, WerStats>& by) {
    nlohmann::json rows = nlohmann::json::array();
    nlohmann::json row = plain.Json();
    row["mark"] = "unmarked";
    rows.push_back(row);
    row = by["unmarked_shifted"].Json();
    row["mark"] = "unmarked_shifted";
    rows.push_back(row);
    for (float strength : kStrengths) {
      char name[32];
      std::snprintf(name, sizeof name, "%.2f", strength);
      row = by[name].Json();
      row["mark"] = name;
      row["strength_np"] = Round(strength, 0.01);
      rows.push_back(row);
    }
    for (const char* band : {"0.20_below_1kHz_only", "0.20_above_1kHz_only"}) {
      row = by[band].Json();
      row["mark"] = band;
      rows.push_back(row);
    }
    return rows;
  };
  return {{"well_heard_max_unmarked_wer", kWellHeard},
          {"table_all", table(unmarked, stats)},
          {"table_well_heard", table(unmarked_well, well)},
          {"answers", answers}};
}

// One recording heard with many marks: `path` (any format audio::DecodeFile reads, e.g. Vox's
// own `vox synth` output, unmarked) saying `text`, unmarked and with `ids` ids per strength.
// The e2e test's case exactly, with more jobs than the test asks for.
nlohmann::json OneRecording(const wm::Pattern& pattern, vox::asr::Transcriber& transcriber,
                            const std::string& path, const std::string& text, int ids) {
  auto pcm = vox::audio::DecodeFile(path);
  if (!pcm) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), pcm.error().ToString().c_str());
    std::exit(1);
  }
  // VOX_NB_DITHER: the 8 kHz answer is taken to 16 kHz and white noise at -60 dBFS added
  // before the recogniser (a diagnosis: whether its 4..6.8 kHz filters, empty in narrowband
  // audio, are what makes its reading unstable).
  const bool dither = EnvInt("VOX_NB_DITHER", 0) != 0;
  uint64_t noise_seed = 1;
  auto heard = [&](const PcmBuffer& x) {
    PcmBuffer g711 = ThroughUlaw(x);
    if (dither) {
      g711 = *vox::audio::Resample(g711, 16000);
      for (float& v : g711.samples) {
        // Sum of 4 uniforms: near Gaussian, sd 0.001 (-60 dBFS).
        double u = 0;
        for (int k = 0; k < 4; ++k) u += static_cast<double>(Lcg(noise_seed) >> 11) / (1ull << 53);
        v += static_cast<float>((u - 2.0) * 0.001 * std::sqrt(3.0));
      }
    }
    auto words = transcriber.Transcribe(g711);
    if (!words) std::exit(1);
    return vox::asr::WordErrors(text, *words).wer();
  };
  const double base = heard(*pcm);
  nlohmann::json rows = nlohmann::json::array();
  std::vector<float> strengths = {0};  // 0: the unmarked audio shifted (the recogniser's noise)
  strengths.insert(strengths.end(), kStrengths.begin(), kStrengths.end());
  uint64_t seed = 7;
  for (float strength : strengths) {
    std::vector<double> wers;
    int over = 0;
    for (int i = 0; i < ids; ++i) {
      PcmBuffer x = *pcm;
      if (strength > 0) {
        x = Mark(pattern, *pcm, Lcg(seed), strength);
      } else {
        x.samples.insert(x.samples.begin(), pcm->sample_rate * (i + 1) / 800, 0.0f);
      }
      wers.push_back(Round(heard(x)));
      over += wers.back() > kG711Bound;
    }
    rows.push_back({{"mark", strength > 0 ? nlohmann::json(Round(strength, 0.01))
                                          : nlohmann::json("unmarked_shifted")},
                    {"answers", ids},
                    {"over_e2e_bound", over},
                    {"wers", wers}});
    std::fprintf(stderr, "file %.2f: %d of %d over the bound\n", strength, over, ids);
  }
  return {{"file", path},
          {"text", text},
          {"dither_minus_60dBFS_at_16kHz", dither},
          {"unmarked_wer", Round(base)},
          {"table", rows}};
}

constexpr size_t kCandidates = 100'000;

// Detection after G.711: per speaker 90 s of its sentences, marked with its own id, through
// mu-law at 8 kHz, cut every 2.9 s (overlapping cuts: not independent trials); the same cuts
// of the unmarked audio for false positives.
nlohmann::json DetectionTable(const wm::Pattern& pattern,
                              const std::vector<std::string>& speakers) {
  uint64_t seed = 99;
  std::vector<uint64_t> candidates(kCandidates);
  for (auto& id : candidates) id = Lcg(seed);
  std::vector<PcmBuffer> speech;
  for (const std::string& speaker_id : speakers) {
    const auto speaker = corpus::SpeakerById(speaker_id);
    if (!corpus::ToolsAvailable(speaker)) continue;
    auto once =
        corpus::SynthesizeAll(speaker, corpus::EvaluationSentences(), corpus::DefaultCacheDir());
    if (!once) std::exit(1);
    PcmBuffer looped = *once;
    while (looped.duration_s() < 90) {
      looped.samples.insert(looped.samples.end(), once->samples.begin(), once->samples.end());
    }
    speech.push_back(std::move(looped));
  }
  std::vector<float> strengths = kStrengths;
  strengths.push_back(0);  // unmarked
  nlohmann::json rows = nlohmann::json::array();
  for (float strength : strengths) {
    for (double seconds : {5.0, 10.0, 20.0, 40.0, 60.0}) {
      int cuts = 0, present = 0, named = 0, wrong = 0;
      double z_sum = 0, z_min = 1e9, z_max = 0;
      for (size_t s = 0; s < speech.size(); ++s) {
        const uint64_t id = candidates[1000 * (s + 1)];  // one of the candidates
        const PcmBuffer heard = ThroughUlaw(Mark(pattern, speech[s], id, strength));
        for (double from = 0.37; from + seconds <= heard.duration_s(); from += 2.9) {
          auto d = wm::Detect(pattern, vox::audio::Excerpt(heard, from, seconds));
          if (!d) continue;
          ++cuts;
          present += d->watermarked;
          z_sum += d->sync_z;
          z_min = std::min(z_min, d->sync_z);
          z_max = std::max(z_max, d->sync_z);
          if (seconds < 10) continue;
          auto found = wm::IdentifyAmong(d->evidence, candidates);
          // Unmarked audio has no right job: any naming is wrong.
          const bool right = strength > 0 && found.index && candidates[*found.index] == id;
          named += right;
          wrong += found.index.has_value() && !right;
        }
      }
      nlohmann::json row = {{"strength_np", Round(strength, 0.01)},
                            {"seconds", seconds},
                            {"cuts", cuts},
                            {"present", present},
                            {"sync_z_mean", Round(z_sum / std::max(1, cuts), 0.01)},
                            {"sync_z_min", Round(z_min, 0.01)},
                            {"sync_z_max", Round(z_max, 0.01)}};
      if (seconds >= 10) {
        row["named_among_candidates"] = named;
        row["wrong_job_named"] = wrong;
      }
      rows.push_back(row);
      std::fprintf(stderr, "detect %.2f %.0fs: %d/%d present, %d named, %d wrong\n", strength,
                   seconds, present, cuts, named, wrong);
    }
  }
  return rows;
}

}  // namespace

int main() {
  const wm::Pattern pattern("watermark-bench-key");
  auto transcriber = vox::asr::Transcriber::Create({});
  if (!transcriber) {
    std::fprintf(stderr, "%s\n", transcriber.error().ToString().c_str());
    return 1;
  }
  const int ids = EnvInt("VOX_NB_IDS", 3);
  // The e2e test's sentence as Vox's normalizer speaks it, then Harvard sentences.
  std::vector<std::string> sentences = {"We paid twenty dollars for four bottles of milk."};
  const auto& harvard = corpus::EvaluationSentences();
  const int n = EnvInt("VOX_NB_SENTENCES", 6);
  for (int i = 0; i + 1 < n && i < static_cast<int>(harvard.size()); ++i) {
    sentences.push_back(harvard[i]);
  }
  // Voices pocketsphinx hears at 8 kHz at all (flite-slt, the e2e test's voice, included;
  // eSpeak NG is heard at 0.9 WER even at 16 kHz, DECISIONS #69).
  const std::vector<std::string> asr_speakers = {"flite-slt", "flite-rms", "flite-awb",
                                                 "festival-slt-hts", "festival-ked"};
  const std::vector<std::string> detect_speakers = {"flite-slt", "flite-kal", "espeak-en+m3",
                                                    "festival-slt-hts"};
  const std::string parts = std::getenv("VOX_NB_PARTS") ? std::getenv("VOX_NB_PARTS") : "";
  nlohmann::json out = {
      {"benchmark", "watermark_narrowband"},
      {"path", "marked at the engine's rate, soxr to 8 kHz, G.711 mu-law, decoded"},
      {"default_strength_np", wm::kDefaultStrength}};
  if (parts.empty() || parts.find("asr") != std::string::npos) {
    out["asr"] = {{"speakers", asr_speakers},
                  {"sentences", sentences.size()},
                  {"ids_per_sentence", ids},
                  {"results", AsrTable(pattern, **transcriber, asr_speakers, sentences, ids)}};
  }
  if (const char* file = std::getenv("VOX_NB_FILE"); file != nullptr && *file != '\0') {
    const char* text = std::getenv("VOX_NB_TEXT");
    out["one_recording"] =
        OneRecording(pattern, **transcriber, file, text ? text : "", EnvInt("VOX_NB_FILE_IDS", 20));
  }
  if (parts.empty() || parts.find("detection") != std::string::npos) {
    out["detection"] = {{"speakers", detect_speakers},
                        {"candidates", kCandidates},
                        {"presence_z", wm::DetectOptions{}.presence_z},
                        {"table", DetectionTable(pattern, detect_speakers)}};
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
