// The watermark (src/watermark) on speech from the CLI engines (flite, eSpeak NG, Festival):
// embedding cost as a real-time factor, detection time, the mark's SNR, and a detection
// table per transformation with the false positives on the same recordings unmarked.
// Prints one JSON object (bench/run.sh watermark).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/resampler.h"
#include "voice/testing/test_corpus.h"
#include "watermark/detector.h"
#include "watermark/embedder.h"
#include "watermark/identify.h"

namespace corpus = vox::voice::testing;
using vox::audio::PcmBuffer;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint64_t kId = 0x5eed5eed12345678ull;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

PcmBuffer Codec(const PcmBuffer& in, vox::audio::Format format, int kbps) {
  vox::audio::EncodeOptions options;
  options.format = format;
  options.bitrate_kbps = kbps;
  auto bytes = vox::audio::Encode(in, options);
  if (!bytes) return {};
  auto decoded = vox::audio::Decode(*bytes);
  return decoded ? *decoded : PcmBuffer{};
}

PcmBuffer Gain(PcmBuffer x, double gain) {
  vox::audio::ApplyGain(x, gain);
  for (float& s : x.samples) s = std::clamp(s, -1.0f, 1.0f);
  return x;
}

struct Transform {
  const char* name;
  std::function<PcmBuffer(const PcmBuffer&)> apply;
};

// kCandidates job ids other than kId (an LCG from `seed`: the same on every run).
constexpr size_t kCandidates = 100'000;
std::vector<uint64_t> CandidateIds(uint64_t seed) {
  std::vector<uint64_t> ids(kCandidates);
  for (auto& id : ids) id = seed = seed * 6364136223846793005ull + 1442695040888963407ull;
  return ids;
}

PcmBuffer MarkAll(const vox::watermark::Pattern& pattern, const PcmBuffer& pcm) {
  auto embedder = vox::watermark::Embedder::Create(pattern, kId, pcm.sample_rate, 1);
  PcmBuffer marked{pcm.sample_rate, 1, {}};
  (*embedder)->Process(pcm.samples, marked.samples);
  (*embedder)->Finish(marked.samples);
  return marked;
}

// The job named from short cuts: the payload decoded (CRC) against the id matched among
// 100,000 candidates (identify.h), per cut length, plain and through MP3 at 128 kbit/s.
nlohmann::json IdentificationTable(const vox::watermark::Pattern& pattern) {
  std::vector<uint64_t> candidates = CandidateIds(99);
  candidates[kCandidates / 2] = kId;
  std::vector<PcmBuffer> speech;  // 60 s of each speaker, marked
  const auto& sentences = corpus::EvaluationSentences();
  for (const char* id : {"flite-slt", "flite-kal", "espeak-en+m3", "festival-slt-hts"}) {
    const auto& speaker = corpus::SpeakerById(id);
    if (!corpus::ToolsAvailable(speaker)) continue;
    auto once = corpus::SynthesizeAll(speaker, sentences, corpus::DefaultCacheDir());
    if (!once) continue;
    PcmBuffer looped = *once;
    while (looped.duration_s() < 60) {
      looped.samples.insert(looped.samples.end(), once->samples.begin(), once->samples.end());
    }
    speech.push_back(MarkAll(pattern, looped));
  }
  nlohmann::json table = nlohmann::json::array();
  for (double seconds : {5.0, 10.0, 20.0, 40.0}) {
    for (bool mp3 : {false, true}) {
      int cuts = 0, detected = 0, decoded = 0, named = 0, wrong = 0;
      for (const PcmBuffer& marked : speech) {
        const PcmBuffer source = mp3 ? Codec(marked, vox::audio::Format::kMp3, 128) : marked;
        for (double from = 0.37; from + seconds <= 60; from += std::max(seconds, 7.9)) {
          auto d = vox::watermark::Detect(pattern, vox::audio::Excerpt(source, from, seconds));
          if (!d) continue;
          ++cuts;
          detected += d->watermarked;
          decoded += d->id == kId;
          if (!d->watermarked) continue;
          auto found = vox::watermark::IdentifyAmong(d->evidence, candidates);
          named += found.index && candidates[*found.index] == kId;
          wrong += found.index && candidates[*found.index] != kId;
        }
      }
      table.push_back({{"seconds", seconds},
                       {"transform", mp3 ? "mp3_128k" : "none"},
                       {"cuts", cuts},
                       {"detected", detected},
                       {"id_decoded", decoded},
                       {"id_named_among_candidates", named},
                       {"wrong_job_named", wrong}});
    }
  }
  return {{"candidates", kCandidates},
          {"false_rate", vox::watermark::IdentifyOptions{}.false_rate},
          {"table", table}};
}

// False positives over many windows of unmarked speech: every speaker of the corpus, all its
// sentences, 5 s and 10 s windows every 0.5 s (overlapping, so not independent trials), also
// through MP3 at 128 kbit/s; each window is also matched against 100,000 candidate ids.
nlohmann::json UnmarkedWindows(const vox::watermark::Pattern& pattern) {
  const std::vector<uint64_t> candidates = CandidateIds(17);
  int windows = 0, detected = 0, named = 0;
  double max_z = 0;
  for (const auto& speaker : corpus::EvaluationSpeakers()) {
    if (!corpus::ToolsAvailable(speaker)) continue;
    auto speech =
        corpus::SynthesizeAll(speaker, corpus::EvaluationSentences(), corpus::DefaultCacheDir());
    if (!speech) continue;
    for (bool mp3 : {false, true}) {
      const PcmBuffer source = mp3 ? Codec(*speech, vox::audio::Format::kMp3, 128) : *speech;
      for (double seconds : {5.0, 10.0}) {
        if (mp3 && seconds > 5) continue;
        for (double from = 0; from + seconds <= source.duration_s(); from += 0.5) {
          auto d = vox::watermark::Detect(pattern, vox::audio::Excerpt(source, from, seconds));
          if (!d) continue;
          ++windows;
          detected += d->watermarked;
          max_z = std::max(max_z, d->sync_z);
          named += vox::watermark::IdentifyAmong(d->evidence, candidates).index.has_value();
        }
      }
    }
  }
  return {{"windows", windows},
          {"false_positives", detected},
          {"max_sync_z", std::round(max_z * 100) / 100},
          {"jobs_named_among_100000", named}};
}

}  // namespace

int main() {
  const vox::watermark::Pattern pattern("watermark-bench-key");
  const std::vector<Transform> transforms = {
      {"none", [](const PcmBuffer& x) { return x; }},
      {"mp3_128k", [](const PcmBuffer& x) { return Codec(x, vox::audio::Format::kMp3, 128); }},
      {"mp3_64k", [](const PcmBuffer& x) { return Codec(x, vox::audio::Format::kMp3, 64); }},
      {"opus_32k", [](const PcmBuffer& x) { return Codec(x, vox::audio::Format::kOpus, 32); }},
      {"resample_16k", [](const PcmBuffer& x) { return *vox::audio::Resample(x, 16000); }},
      {"gain_+6dB", [](const PcmBuffer& x) { return Gain(x, 2.0); }},
      {"gain_-6dB", [](const PcmBuffer& x) { return Gain(x, 0.5); }},
      {"cut_5s", [](const PcmBuffer& x) { return vox::audio::Excerpt(x, 1.7, 5.0); }},
      {"mp3_128k_16k_cut_5s",
       [](const PcmBuffer& x) {
         return vox::audio::Excerpt(
             *vox::audio::Resample(Codec(x, vox::audio::Format::kMp3, 128), 16000), 2.3, 5.0);
       }},
  };
  struct Row {
    int n = 0, detected = 0, id_read = 0, false_positives = 0;
    double z_sum = 0, null_max_z = 0;
  };
  std::vector<Row> rows(transforms.size());
  double audio_s = 0, embed_s = 0, detect_s = 0, snr_sum = 0, snr_min = 1e9;
  int detects = 0, recordings = 0;
  const auto& sentences = corpus::EvaluationSentences();
  for (const auto& speaker : corpus::EvaluationSpeakers()) {
    if (!corpus::ToolsAvailable(speaker)) continue;
    for (size_t first = 0; first + 4 <= sentences.size(); first += 4) {
      auto pcm =
          corpus::SynthesizeAll(speaker, {sentences.begin() + first, sentences.begin() + first + 4},
                                corpus::DefaultCacheDir());
      if (!pcm) {
        std::fprintf(stderr, "%s: %s\n", speaker.id.c_str(), pcm.error().ToString().c_str());
        return 1;
      }
      auto embedder = vox::watermark::Embedder::Create(pattern, kId, pcm->sample_rate, 1);
      if (!embedder) return 1;
      PcmBuffer marked{pcm->sample_rate, 1, {}};
      const auto t0 = Clock::now();
      (*embedder)->Process(pcm->samples, marked.samples);
      (*embedder)->Finish(marked.samples);
      embed_s += Seconds(t0);
      audio_s += pcm->duration_s();
      ++recordings;
      double signal = 0, noise = 0;
      for (size_t i = 0; i < pcm->samples.size(); ++i) {
        signal += static_cast<double>(pcm->samples[i]) * pcm->samples[i];
        const double d = marked.samples[i] - pcm->samples[i];
        noise += d * d;
      }
      const double snr = 10 * std::log10(signal / std::max(noise, 1e-20));
      snr_sum += snr;
      snr_min = std::min(snr_min, snr);
      for (size_t t = 0; t < transforms.size(); ++t) {
        const auto t1 = Clock::now();
        auto found = vox::watermark::Detect(pattern, transforms[t].apply(marked));
        detect_s += Seconds(t1);
        ++detects;
        auto clean = vox::watermark::Detect(pattern, transforms[t].apply(*pcm));
        if (!found || !clean) return 1;
        Row& row = rows[t];
        ++row.n;
        row.detected += found->watermarked;
        row.id_read += found->id == kId;
        row.z_sum += found->sync_z;
        row.false_positives += clean->watermarked;
        row.null_max_z = std::max(row.null_max_z, clean->sync_z);
      }
    }
  }
  nlohmann::json table = nlohmann::json::array();
  for (size_t t = 0; t < transforms.size(); ++t) {
    const Row& r = rows[t];
    table.push_back({{"transform", transforms[t].name},
                     {"marked", r.n},
                     {"detected", r.detected},
                     {"id_read", r.id_read},
                     {"mean_sync_z", std::round(r.z_sum / std::max(1, r.n) * 100) / 100},
                     {"unmarked", r.n},
                     {"false_positives", r.false_positives},
                     {"unmarked_max_sync_z", std::round(r.null_max_z * 100) / 100}});
  }
  nlohmann::json out = {
      {"benchmark", "watermark"},
      {"strength_np", vox::watermark::kDefaultStrength},
      {"recordings", recordings},
      {"recording_seconds_mean", audio_s / std::max(1, recordings)},
      {"embed", {{"audio_seconds", audio_s}, {"seconds", embed_s}, {"rtf", embed_s / audio_s}}},
      {"detect_ms_mean", 1000 * detect_s / std::max(1, detects)},
      {"snr_db", {{"mean", snr_sum / std::max(1, recordings)}, {"min", snr_min}}},
      {"presence_z", vox::watermark::DetectOptions{}.presence_z},
      {"table", table},
      {"identification", IdentificationTable(pattern)},
      {"unmarked_windows", UnmarkedWindows(pattern)}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
