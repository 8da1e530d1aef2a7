// The mark on real speech (flite, eSpeak NG and Festival through the voice test corpus):
// read back after every transformation the brief names and after G.711 at 8 kHz, and never
// read from unmarked recordings.
#include <gtest/gtest.h>

#include <cmath>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/resampler.h"
#include "audio/stream_encoder.h"
#include "voice/testing/test_corpus.h"
#include "watermark/detector.h"
#include "watermark/embedder.h"
#include "watermark/identify.h"
#include "watermark/watermarker.h"

namespace vox::watermark {
namespace {

namespace corpus = voice::testing;

constexpr uint64_t kId = 0x2f1c9a4e7b3d4c2aull;
constexpr double kIdSeconds = 150;
const Pattern& TestPattern() {
  static const Pattern pattern("watermark-test-key");
  return pattern;
}

audio::PcmBuffer Speech(const std::string& speaker, int first, int count) {
  const auto& all = corpus::EvaluationSentences();
  std::vector<std::string> sentences(all.begin() + first, all.begin() + first + count);
  auto pcm =
      corpus::SynthesizeAll(corpus::SpeakerById(speaker), sentences, corpus::DefaultCacheDir());
  if (!pcm) ADD_FAILURE() << pcm.error().ToString();
  return pcm ? *pcm : audio::PcmBuffer{};
}

audio::PcmBuffer Mark(const audio::PcmBuffer& in, uint64_t id = kId) {
  auto embedder = Embedder::Create(TestPattern(), id, in.sample_rate, in.channels);
  EXPECT_TRUE(embedder.has_value()) << embedder.error().ToString();
  audio::PcmBuffer out{in.sample_rate, in.channels, {}};
  (*embedder)->Process(in.samples, out.samples);
  (*embedder)->Finish(out.samples);
  return out;
}

audio::PcmBuffer Codec(const audio::PcmBuffer& in, audio::Format format, int kbps) {
  audio::EncodeOptions options;
  options.format = format;
  options.bitrate_kbps = kbps;
  auto bytes = audio::Encode(in, options);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().ToString();
  auto decoded = audio::Decode(*bytes);
  EXPECT_TRUE(decoded.has_value()) << decoded.error().ToString();
  return *decoded;
}

Detection Read(const audio::PcmBuffer& pcm) {
  auto d = Detect(TestPattern(), pcm);
  EXPECT_TRUE(d.has_value()) << d.error().ToString();
  return d ? *d : Detection{};
}

struct Transform {
  std::string name;
  std::function<audio::PcmBuffer(const audio::PcmBuffer&)> apply;
};

std::vector<Transform> Transforms() {
  return {
      {"none", [](const auto& x) { return x; }},
      {"mp3_128k", [](const auto& x) { return Codec(x, audio::Format::kMp3, 128); }},
      {"resample_16k", [](const auto& x) { return *audio::Resample(x, 16000); }},
      {"gain_+6dB",
       [](auto x) {
         audio::ApplyGain(x, 2.0);
         for (float& s : x.samples) s = std::clamp(s, -1.0f, 1.0f);
         return x;
       }},
      {"gain_-6dB",
       [](auto x) {
         audio::ApplyGain(x, 0.5);
         return x;
       }},
      {"cut_5s", [](const auto& x) { return audio::Excerpt(x, 3.37, 5.0); }},
      {"mp3_128k_16k_cut_5s",
       [](const auto& x) {
         return audio::Excerpt(*audio::Resample(Codec(x, audio::Format::kMp3, 128), 16000), 2.11,
                               5.0);
       }},
  };
}

// Presence: 9..10 s of each engine's speech (flite at 16 and 8 kHz, eSpeak NG at 22.05 kHz,
// Festival at 16 kHz), every transformation of issue #14, 5 s cuts included.
TEST(WatermarkSpeechTest, SurvivesEachTransformationOnEveryEngine) {
  for (const std::string speaker : {"flite-slt", "flite-kal", "espeak-en+m3", "festival-slt-hts"}) {
    const audio::PcmBuffer marked = Mark(Speech(speaker, 0, 4));
    for (const Transform& t : Transforms()) {
      Detection d = Read(t.apply(marked));
      EXPECT_TRUE(d.watermarked) << speaker << " " << t.name << " z=" << d.sync_z;
      // Read at all, the id is the right one (the CRC leaves 2^-16 for a wrong one).
      if (d.id) {
        EXPECT_EQ(*d.id, kId) << speaker << " " << t.name;
      }
    }
  }
}

// The same engines unmarked (17 speakers x 2 recordings): none is read as marked.
TEST(WatermarkSpeechTest, NoFalsePositivesOnUnmarkedSpeech) {
  int recordings = 0;
  double max_z = 0;
  for (const auto& speaker : corpus::EvaluationSpeakers()) {
    if (!corpus::ToolsAvailable(speaker)) continue;
    for (int first = 0; first < 6; first += 3) {
      auto pcm = corpus::SynthesizeAll(speaker,
                                       {corpus::EvaluationSentences().begin() + first,
                                        corpus::EvaluationSentences().begin() + first + 3},
                                       corpus::DefaultCacheDir());
      ASSERT_TRUE(pcm.has_value()) << pcm.error().ToString();
      Detection d = Read(*pcm);
      ++recordings;
      max_z = std::max(max_z, d.sync_z);
      EXPECT_FALSE(d.watermarked) << speaker.id << " z=" << d.sync_z;
    }
  }
  EXPECT_GE(recordings, 20);
  EXPECT_LT(max_z, DetectOptions{}.presence_z);
}

// The id: the payload's 80 bits need far more chips than the presence, so they are read
// from longer audio (the same recording repeated here), through MP3 at 128 kbit/s too.
TEST(WatermarkSpeechTest, ReadsTheJobIdFromLongerSpeech) {
  const audio::PcmBuffer once = Speech("flite-kal", 0, 10);
  audio::PcmBuffer speech = once;
  while (speech.duration_s() < kIdSeconds) {
    speech.samples.insert(speech.samples.end(), once.samples.begin(), once.samples.end());
  }
  const audio::PcmBuffer marked = Mark(speech);
  for (const Transform& t : {Transforms()[0], Transforms()[1]}) {
    Detection d = Read(t.apply(marked));
    EXPECT_TRUE(d.watermarked) << t.name;
    EXPECT_EQ(d.id, kId) << t.name << " payload z " << d.payload_z;
  }
}

// Shorter audio: 20 s through MP3 at 128 kbit/s cannot be decoded, but the job is named
// among 100,000 candidates (bench/run.sh watermark: 8 of 8 cuts at 20 s, 11 of 20 at 10 s),
// and the same speech unmarked names nothing.
TEST(WatermarkSpeechTest, NamesTheJobAmongCandidatesFrom20Seconds) {
  const audio::PcmBuffer once = Speech("flite-kal", 0, 10);
  audio::PcmBuffer speech = once;
  while (speech.duration_s() < 25) {
    speech.samples.insert(speech.samples.end(), once.samples.begin(), once.samples.end());
  }
  std::vector<uint64_t> candidates(100'000);
  uint64_t state = 5;
  for (auto& c : candidates) c = state = state * 6364136223846793005ull + 1442695040888963407ull;
  candidates[31'337] = kId;
  const Detection marked =
      Read(audio::Excerpt(Codec(Mark(speech), audio::Format::kMp3, 128), 2.5, 20));
  ASSERT_TRUE(marked.watermarked);
  const Identification found = IdentifyAmong(marked.evidence, candidates);
  EXPECT_EQ(found.index, 31'337u) << "z " << found.best_z << " threshold " << found.threshold;
  const Detection clean = Read(audio::Excerpt(speech, 2.5, 20));
  EXPECT_FALSE(IdentifyAmong(clean.evidence, candidates).index.has_value());
}

// G.711 mu-law as a `ulaw` answer carries it: the routes' stream encoder resamples to 8 kHz
// and codes; decoded back by libsndfile.
audio::PcmBuffer ThroughUlaw(const audio::PcmBuffer& pcm) {
  auto encoder = audio::StreamEncoder::Create({audio::StreamFormat::kUlaw}, pcm.sample_rate);
  EXPECT_TRUE(encoder.has_value());
  std::string bytes;
  EXPECT_TRUE((*encoder)->Write(pcm, bytes).has_value());
  EXPECT_TRUE((*encoder)->Finish(bytes).has_value());
  auto decoded = audio::DecodeG711(bytes, audio::G711Law::kMu, 8000);
  EXPECT_TRUE(decoded.has_value());
  return decoded ? *decoded : audio::PcmBuffer{};
}

// An 8 kHz answer (`ulaw`, `ulaw_8000`) is marked at the voice's rate before its encoder
// resamples and codes it, as the routes do; after G.711 the mark is present in 10 s and names
// the job among 100,000 candidates from 20 s (bench/run.sh watermark_narrowband: 123 of 123
// and 107 of 109 cuts); the same speech unmarked gives neither.
TEST(WatermarkSpeechTest, AMarkIsReadAfterG711At8kHz) {
  auto watermarker = Watermarker::Create(WatermarkConfig{});
  ASSERT_TRUE(watermarker.has_value());
  const audio::PcmBuffer once = Speech("flite-slt", 0, 10);  // 16 kHz, the e2e tests' voice
  audio::PcmBuffer speech = once;
  while (speech.duration_s() < 25) {
    speech.samples.insert(speech.samples.end(), once.samples.begin(), once.samples.end());
  }
  const std::string job = "5a0e2b7c-91d4-4f3e-8c6a-1b2d3e4f5a6b";
  auto mark = (*watermarker)->ForJob(job, speech.sample_rate, 1);
  audio::PcmBuffer marked = mark->Process(speech);
  const audio::PcmBuffer tail = mark->Finish();
  marked.samples.insert(marked.samples.end(), tail.samples.begin(), tail.samples.end());
  const audio::PcmBuffer heard = ThroughUlaw(marked);
  const audio::PcmBuffer clean = ThroughUlaw(speech);

  std::vector<uint64_t> candidates(100'000);
  uint64_t state = 11;
  for (auto& c : candidates) c = state = state * 6364136223846793005ull + 1442695040888963407ull;
  candidates[4'242] = PayloadId(job);
  for (double from : {0.7, 3.1}) {
    auto present = (*watermarker)->Detect(audio::Excerpt(heard, from, 10));
    ASSERT_TRUE(present.has_value());
    EXPECT_TRUE(present->watermarked) << "from " << from << " z " << present->sync_z;
    auto none = (*watermarker)->Detect(audio::Excerpt(clean, from, 10));
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->watermarked) << "from " << from << " z " << none->sync_z;

    auto named = (*watermarker)->Detect(audio::Excerpt(heard, from, 20));
    ASSERT_TRUE(named.has_value());
    const Identification found = IdentifyAmong(named->evidence, candidates);
    EXPECT_EQ(found.index, 4'242u) << "z " << found.best_z << " threshold " << found.threshold;
    auto unmarked = (*watermarker)->Detect(audio::Excerpt(clean, from, 20));
    ASSERT_TRUE(unmarked.has_value());
    EXPECT_FALSE(IdentifyAmong(unmarked->evidence, candidates).index.has_value());
  }
}

}  // namespace
}  // namespace vox::watermark
