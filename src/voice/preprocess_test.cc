// Voice sample preprocessing on synthetic speech (the flite CLI through the
// test corpus) with added silence, noise, clipping, channels and odd rates:
// the trimming, the pause shortening, the loudness and each rejection rule.
#include "voice/preprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "audio/dsp.h"
#include "audio/loudness.h"
#include "audio/resampler.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice {
namespace {

using audio::PcmBuffer;

// Sentences [first, first + count) spoken by flite's slt voice, back to back.
PcmBuffer Speech(std::size_t first, std::size_t count) {
  const auto speaker = testing::SpeakerById("flite-slt");
  PcmBuffer out{16000, 1, {}};
  for (std::size_t i = first; i < first + count; ++i) {
    const auto& sentences = testing::EvaluationSentences();
    auto pcm =
        testing::Synthesize(speaker, sentences[i % sentences.size()], testing::DefaultCacheDir());
    EXPECT_TRUE(pcm) << pcm.error().ToString();
    if (!pcm) return out;
    auto mono = audio::Resample(audio::ToMono(*pcm), 16000);
    EXPECT_TRUE(mono);
    out.samples.insert(out.samples.end(), mono->samples.begin(), mono->samples.end());
  }
  return out;
}

PcmBuffer Join(std::initializer_list<PcmBuffer> parts) {
  PcmBuffer out{parts.begin()->sample_rate, 1, {}};
  for (const auto& p : parts)
    out.samples.insert(out.samples.end(), p.samples.begin(), p.samples.end());
  return out;
}

PcmBuffer Quiet(double seconds) { return audio::Silence(16000, seconds); }

void AddNoise(PcmBuffer& pcm, double rms, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, static_cast<float>(rms));
  for (float& s : pcm.samples) s += dist(rng);
}

// Seconds from the first to the last sample above `threshold`.
double LoudSpan(const PcmBuffer& pcm, float threshold = 0.02f) {
  std::size_t first = pcm.samples.size(), last = 0;
  for (std::size_t i = 0; i < pcm.samples.size(); ++i) {
    if (std::abs(pcm.samples[i]) > threshold) {
      first = std::min(first, i);
      last = i;
    }
  }
  return first < last ? static_cast<double>(last - first) / pcm.sample_rate : 0.0;
}

// Seconds before the first and after the last sample above `threshold`.
std::pair<double, double> Edges(const PcmBuffer& pcm, float threshold = 0.02f) {
  std::size_t first = pcm.samples.size(), last = 0;
  for (std::size_t i = 0; i < pcm.samples.size(); ++i) {
    if (std::abs(pcm.samples[i]) > threshold) {
      first = std::min(first, i);
      last = i;
    }
  }
  return {static_cast<double>(first) / pcm.sample_rate,
          static_cast<double>(pcm.samples.size() - 1 - last) / pcm.sample_rate};
}

// Longest stretch of 10 ms frames whose peak stays under `threshold`, in seconds.
double LongestQuiet(const PcmBuffer& pcm, float threshold = 0.02f) {
  const std::size_t frame = pcm.sample_rate / 100;
  std::size_t run = 0, best = 0;
  for (std::size_t start = 0; start + frame <= pcm.samples.size(); start += frame) {
    float peak = 0;
    for (std::size_t i = start; i < start + frame; ++i)
      peak = std::max(peak, std::abs(pcm.samples[i]));
    run = peak < threshold ? run + 1 : 0;
    best = std::max(best, run);
  }
  return static_cast<double>(best) / 100.0;
}

void ExpectUnprocessable(const Result<PreprocessedSample>& r, const std::string& words) {
  ASSERT_FALSE(r) << "expected a refusal mentioning '" << words << "'";
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable) << r.error().ToString();
  EXPECT_EQ(r.error().field, "files");
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
}

Result<PreprocessedSample> Preprocess(std::vector<PcmBuffer> files,
                                      const PreprocessOptions& o = {}) {
  return PreprocessVoiceSample(files, o);
}

class PreprocessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new PcmBuffer(Speech(0, 6));
    b_ = new PcmBuffer(Speech(6, 3));
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
  }
  static PcmBuffer* a_;  // six sentences: ~12 s of speech
  static PcmBuffer* b_;  // three: ~6 s
};
PcmBuffer* PreprocessTest::a_ = nullptr;
PcmBuffer* PreprocessTest::b_ = nullptr;

TEST_F(PreprocessTest, TrimsEdgesAndShortensPauses) {
  PcmBuffer pcm = Join({Quiet(2.0), *a_, Quiet(3.0), *b_, Quiet(1.5)});
  AddNoise(pcm, 0.0005, 1);  // a quiet room, -66 dBFS
  auto r = Preprocess({pcm});
  ASSERT_TRUE(r) << r.error().ToString();
  const PreprocessStats& s = r->stats;
  EXPECT_EQ(r->audio.sample_rate, 16000);
  EXPECT_EQ(r->audio.channels, 1);
  EXPECT_NEAR(s.input_seconds, pcm.duration_s(), 1e-9);
  EXPECT_NEAR(s.output_seconds, r->audio.duration_s(), 1e-9);

  // Speech is what lies between the loud edges of the two passages (minus
  // what the detector calls long pauses between sentences, shortened below).
  const double speech_span = LoudSpan(*a_) + LoudSpan(*b_);
  EXPECT_GT(s.speech_seconds, 0.75 * speech_span);
  EXPECT_LT(s.speech_seconds, speech_span + 0.3);
  // 6.5 s of silence around and between the passages are gone: what is left
  // is the speech, pauses of at most 0.5 s and 0.2 s margins.
  EXPECT_LT(s.output_seconds, speech_span + 0.5 + 0.4 + 0.5);
  EXPECT_GT(s.output_seconds, s.speech_seconds);
  // The detector keeps calling speech for a few frames after it ends (its
  // built-in hangover) and hears flite's low sentence endings under -40 dBFS,
  // so quiet edges and pauses run up to ~0.3 s past the margin and the pause
  // limit; the 1.5..3 s silences are gone.
  const float level = 0.01f;  // -40 dBFS: over the noise (peaks ~ -54 dBFS)
  const auto [lead, trail] = Edges(r->audio, level);
  EXPECT_LE(lead, 0.2 + 0.15);
  EXPECT_LE(trail, 0.2 + 0.15);
  EXPECT_LE(LongestQuiet(r->audio, level), 0.5 + 0.35);

  // Exactly the 3 s gap became a 0.5 s pause: processing the passages apart
  // gives the same audio, less that pause and plus a 0.2 s margin each side.
  PcmBuffer a = Join({Quiet(2.0), *a_, Quiet(1.5)});
  PcmBuffer b = Join({Quiet(2.0), *b_, Quiet(1.5)});
  AddNoise(a, 0.0005, 2);
  AddNoise(b, 0.0005, 3);
  PreprocessOptions any_length;
  any_length.min_speech_seconds = 1.0;
  auto ra = Preprocess({a}, any_length);
  auto rb = Preprocess({b}, any_length);
  ASSERT_TRUE(ra && rb);
  // (The detector adapts to what it has heard, so B's decisions shift a little
  // when A came first: tolerances of a few hundred ms, against the 2.5 s a
  // missed shortening would add.)
  EXPECT_NEAR(s.output_seconds, ra->stats.output_seconds + rb->stats.output_seconds - 0.4 + 0.5,
              0.3);
  EXPECT_NEAR(s.speech_seconds / (ra->stats.speech_seconds + rb->stats.speech_seconds), 1.0, 0.05);

  EXPECT_EQ(s.clipping_fraction, 0.0);
  EXPECT_GT(s.snr_db, 40.0);
  EXPECT_NEAR(s.loudness_after_lufs, -23.0, 0.3);
  EXPECT_NEAR(s.gain_db, -23.0 - s.loudness_before_lufs, 0.3);
}

TEST_F(PreprocessTest, NormalizesLoudnessFromAnyLevel) {
  for (double gain : {0.03, 0.3, 1.5}) {
    PcmBuffer pcm = Join({Quiet(0.5), *a_, Quiet(0.5)});
    audio::ApplyGain(pcm, gain);
    auto r = Preprocess({pcm});
    ASSERT_TRUE(r) << "gain " << gain << ": " << r.error().ToString();
    auto measured = audio::MeasureLufs(r->audio);
    ASSERT_TRUE(measured);
    EXPECT_NEAR(*measured, -23.0, 0.3) << "gain " << gain;
    EXPECT_NEAR(r->stats.loudness_after_lufs, *measured, 1e-6);
    EXPECT_NEAR(r->stats.loudness_before_lufs, *measured - r->stats.gain_db, 0.05);
  }
  PreprocessOptions louder;
  louder.target_lufs = -18.0;
  auto r = Preprocess({*a_}, louder);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_NEAR(r->stats.loudness_after_lufs, -18.0, 0.3);
}

TEST_F(PreprocessTest, TooLittleSpeechIsRefusedUnlessForConsent) {
  const PcmBuffer one = Join({Quiet(3.0), Speech(7, 2), Quiet(3.0)});
  auto r = Preprocess({one});
  ExpectUnprocessable(r, "s of speech; at least 10.0 s are needed");
  auto consent = Preprocess({one}, PreprocessOptions::ForConsent());
  ASSERT_TRUE(consent) << consent.error().ToString();
  EXPECT_GT(consent->stats.speech_seconds, 2.0);
  EXPECT_LT(consent->stats.speech_seconds, 10.0);
  // The message carries the measured value.
  EXPECT_NE(r.error().message.find(std::to_string(consent->stats.speech_seconds).substr(0, 3)),
            std::string::npos)
      << r.error().message;
}

TEST_F(PreprocessTest, SeveralFilesAddUp) {
  // Neither file has 10 s of speech alone; together they do.
  const PcmBuffer first = Join({Quiet(1.0), *b_, Quiet(1.0)});
  const PcmBuffer second = Join({Quiet(1.0), Speech(9, 3), Quiet(1.0)});
  ExpectUnprocessable(Preprocess({first}), "at least 10.0 s");
  auto r = Preprocess({first, second});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->stats.files, 2);
  EXPECT_NEAR(r->stats.input_seconds, first.duration_s() + second.duration_s(), 1e-9);
  EXPECT_GE(r->stats.speech_seconds, 10.0);
  EXPECT_LE(LongestQuiet(r->audio, 0.01f), 0.5 + 0.35);  // see TrimsEdgesAndShortensPauses
}

TEST_F(PreprocessTest, ManyChannelsAndOddRates) {
  const auto reference = Preprocess({Join({Quiet(1.0), *a_, Quiet(1.0)})});
  ASSERT_TRUE(reference) << reference.error().ToString();
  for (int rate : {8000, 11025, 22050, 44100, 48000}) {
    for (int channels : {1, 2, 6}) {
      auto converted = audio::Resample(Join({Quiet(1.0), *a_, Quiet(1.0)}), rate);
      ASSERT_TRUE(converted);
      PcmBuffer pcm{rate, channels, {}};
      for (float x : converted->samples) {
        for (int c = 0; c < channels; ++c) pcm.samples.push_back(c % 2 == 0 ? x : 0.5f * x);
      }
      auto r = Preprocess({pcm});
      ASSERT_TRUE(r) << rate << " Hz x" << channels << ": " << r.error().ToString();
      EXPECT_EQ(r->audio.sample_rate, 16000);
      EXPECT_EQ(r->audio.channels, 1);
      EXPECT_NEAR(r->stats.input_seconds, reference->stats.input_seconds, 0.001);
      // 8 kHz loses the band above 4 kHz (fricatives), which the detector hears.
      const double tolerance = rate == 8000 ? 0.15 : 0.05;
      EXPECT_NEAR(r->stats.speech_seconds / reference->stats.speech_seconds, 1.0, tolerance)
          << rate << " Hz x" << channels;
      EXPECT_NEAR(r->stats.loudness_after_lufs, -23.0, 0.3);
    }
  }
}

TEST_F(PreprocessTest, ClippingIsRefused) {
  PcmBuffer hot = Join({Quiet(0.5), *a_, Quiet(0.5)});
  audio::ApplyGain(hot, 6.0);  // ApplyGain clamps to [-1, 1]: hard clipping
  auto r = Preprocess({hot});
  ExpectUnprocessable(r, "clipped");
  EXPECT_NE(r.error().message.find("at most 0.10%"), std::string::npos) << r.error().message;

  // A single full-scale peak is not clipping.
  PcmBuffer peak = Join({Quiet(0.5), *a_, Quiet(0.5)});
  peak.samples[peak.samples.size() / 2] = 1.0f;
  auto ok = Preprocess({peak});
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_GT(ok->stats.clipping_fraction, 0.0);
  EXPECT_LT(ok->stats.clipping_fraction, 0.001);
}

TEST_F(PreprocessTest, SnrFollowsTheNoiseAndLowSnrIsRefused) {
  auto snr_with = [&](double noise_rms) {
    PcmBuffer pcm = Join({Quiet(1.0), *a_, Quiet(1.0)});
    AddNoise(pcm, noise_rms, 42);
    PreprocessOptions lenient;
    lenient.min_snr_db = -100;
    auto r = Preprocess({pcm}, lenient);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? r->stats.snr_db : 0.0;
  };
  const double quiet = snr_with(0.002);
  const double louder = snr_with(0.006);  // noise 9.5 dB higher
  EXPECT_GT(quiet, 25.0);
  EXPECT_NEAR(quiet - louder, 20.0 * std::log10(3.0), 1.5);

  PcmBuffer noisy = Join({Quiet(1.0), *a_, Quiet(1.0)});
  AddNoise(noisy, 0.05, 7);
  auto r = Preprocess({noisy});
  ExpectUnprocessable(r, "too noisy");
  EXPECT_NE(r.error().message.find("at least 15.0 dB"), std::string::npos) << r.error().message;
}

TEST_F(PreprocessTest, TooLongIsRefusedBeforeAnyWork) {
  ExpectUnprocessable(Preprocess({audio::Silence(8000, 601.0)}), "at most 600 s");
  PreprocessOptions o;
  o.max_input_seconds = 15.0;
  ExpectUnprocessable(Preprocess({*a_, *b_}, o), "at most 15 s");
}

TEST_F(PreprocessTest, SilenceAndNoiseOnlyAreRefused) {
  ExpectUnprocessable(Preprocess({Quiet(20.0)}), "silent");
  ExpectUnprocessable(Preprocess({Quiet(5.0), Quiet(5.0)}), "silent");
  PcmBuffer hiss = Quiet(20.0);
  AddNoise(hiss, 0.003, 9);
  ExpectUnprocessable(Preprocess({hiss}), "no speech");
}

TEST(Preprocess, BadInputsAndOptions) {
  auto none = PreprocessVoiceSample({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(none.error().field, "files");
  PcmBuffer broken{0, 1, std::vector<float>(100)};
  auto bad = PreprocessVoiceSample(std::vector<PcmBuffer>{broken});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "files");
  PcmBuffer ragged{16000, 2, std::vector<float>(101)};
  EXPECT_FALSE(PreprocessVoiceSample(std::vector<PcmBuffer>{ragged}));

  PreprocessOptions o;
  o.min_snr_db = std::nan("");
  EXPECT_EQ(o.Validate().error().field, "min_snr_db");
  o = {};
  o.max_pause_seconds = 0;
  EXPECT_EQ(o.Validate().error().field, "max_pause_seconds");
  o = {};
  o.target_lufs = 3;
  EXPECT_EQ(o.Validate().error().field, "target_lufs");
  o = {};
  o.min_speech_seconds = 700;
  EXPECT_FALSE(o.Validate());
  EXPECT_TRUE(PreprocessOptions{}.Validate());
  EXPECT_TRUE(PreprocessOptions::ForConsent().Validate());
  EXPECT_NE(PreprocessOptions{}.ToString().find("min_speech_seconds=10.0"), std::string::npos);
}

}  // namespace
}  // namespace vox::voice
