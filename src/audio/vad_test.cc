// The WebRTC voice detector on real (synthetic) speech made by the flite CLI,
// silence and noise: speech is found where it is and not where it is not.
#include "audio/vad.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/resampler.h"

namespace vox::audio {
namespace {

// flite's default voice, resampled to 16 kHz (flite itself writes 8 kHz).
PcmBuffer FliteSpeech(const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vox_vad_test_" + std::to_string(::getpid()) + ".wav"))
                               .string();
  const std::string command = "flite -t '" + text + "' -o " + path;
  EXPECT_EQ(std::system(command.c_str()), 0) << "needs the flite CLI (scripts/install-deps.sh)";
  auto pcm = DecodeFile(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(pcm) << pcm.error().ToString();
  if (!pcm) return {};
  auto resampled = Resample(*pcm, kVadSampleRate);
  EXPECT_TRUE(resampled) << resampled.error().ToString();
  return resampled ? *resampled : PcmBuffer{};
}

PcmBuffer Concat(std::initializer_list<PcmBuffer> parts) {
  PcmBuffer out{kVadSampleRate, 1, {}};
  for (const auto& p : parts)
    out.samples.insert(out.samples.end(), p.samples.begin(), p.samples.end());
  return out;
}

PcmBuffer Noise(double seconds, double rms, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, static_cast<float>(rms));
  PcmBuffer out = Silence(kVadSampleRate, seconds);
  for (float& s : out.samples) s = dist(rng);
  return out;
}

double Fraction(const std::vector<bool>& d, std::size_t begin, std::size_t end) {
  std::size_t n = 0;
  for (std::size_t i = begin; i < end && i < d.size(); ++i) n += d[i] ? 1 : 0;
  return end > begin ? static_cast<double>(n) / static_cast<double>(end - begin) : 0.0;
}

// Frame index of the first non-silent sample.
std::size_t FirstLoudFrame(const PcmBuffer& pcm, float threshold) {
  for (std::size_t i = 0; i < pcm.samples.size(); ++i) {
    if (std::abs(pcm.samples[i]) > threshold) return i / kVadFrameSamples;
  }
  return pcm.samples.size() / kVadFrameSamples;
}

TEST(AudioVad, SilenceIsNotSpeech) {
  auto d = DetectVoiceActivity(Silence(kVadSampleRate, 2.0));
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->size(), 200u);
  EXPECT_EQ(Fraction(*d, 0, d->size()), 0.0);
}

TEST(AudioVad, FindsSpeechBetweenSilences) {
  const PcmBuffer speech = FliteSpeech("The birch canoe slid on the smooth planks.");
  ASSERT_GT(speech.duration_s(), 1.0);
  const PcmBuffer pcm =
      Concat({Silence(kVadSampleRate, 1.0), speech, Silence(kVadSampleRate, 1.0)});
  auto d = DetectVoiceActivity(pcm);
  ASSERT_TRUE(d) << d.error().ToString();
  ASSERT_EQ(d->size(), (pcm.samples.size() + kVadFrameSamples - 1) / kVadFrameSamples);

  const std::size_t onset = FirstLoudFrame(pcm, 0.01f);
  const std::size_t speech_end = 100 + speech.samples.size() / kVadFrameSamples;
  EXPECT_EQ(Fraction(*d, 0, 100), 0.0) << "leading silence";
  EXPECT_EQ(Fraction(*d, speech_end + 5, d->size()), 0.0) << "trailing silence";
  // Speech has short pauses between words; most of it is still detected.
  EXPECT_GT(Fraction(*d, 100, speech_end), 0.6);
  std::size_t first = 0;
  while (first < d->size() && !(*d)[first]) ++first;
  EXPECT_LE(first > onset ? first - onset : onset - first, 5u) << "within 50 ms of the onset";
}

TEST(AudioVad, StationaryNoiseIsMostlyNotSpeech) {
  // Quiet fan-like noise: the detector adapts its noise model within a second.
  auto d = DetectVoiceActivity(Noise(4.0, 0.003, 7), VadAggressiveness::kVeryAggressive);
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_LT(Fraction(*d, 100, d->size()), 0.1);
}

TEST(AudioVad, SpeechIsFoundInNoise) {
  const PcmBuffer speech = FliteSpeech("Glue the sheet to the dark blue background.");
  PcmBuffer pcm = Concat({Silence(kVadSampleRate, 1.0), speech, Silence(kVadSampleRate, 1.0)});
  const PcmBuffer noise = Noise(pcm.duration_s() + 1.0, 0.005, 11);
  for (std::size_t i = 0; i < pcm.samples.size(); ++i) pcm.samples[i] += noise.samples[i];
  auto d = DetectVoiceActivity(pcm, VadAggressiveness::kVeryAggressive);
  ASSERT_TRUE(d) << d.error().ToString();
  const std::size_t speech_end = 100 + speech.samples.size() / kVadFrameSamples;
  EXPECT_GT(Fraction(*d, 100, speech_end), 0.5);
  EXPECT_LT(Fraction(*d, 30, 100), 0.2) << "noise before the speech";
}

TEST(AudioVad, LessAggressiveModesCallMoreFramesSpeech) {
  const PcmBuffer speech = FliteSpeech("Rice is often served in round bowls.");
  PcmBuffer pcm = Concat({Silence(kVadSampleRate, 0.5), speech});
  const PcmBuffer noise = Noise(pcm.duration_s() + 1.0, 0.01, 3);
  for (std::size_t i = 0; i < pcm.samples.size(); ++i) pcm.samples[i] += noise.samples[i];
  auto strict = DetectVoiceActivity(pcm, VadAggressiveness::kVeryAggressive);
  auto lenient = DetectVoiceActivity(pcm, VadAggressiveness::kQuality);
  ASSERT_TRUE(strict && lenient);
  EXPECT_GE(Fraction(*lenient, 0, lenient->size()), Fraction(*strict, 0, strict->size()));
}

TEST(AudioVad, ResetForgetsTheNoiseModel) {
  const PcmBuffer pcm = Concat({Noise(1.0, 0.02, 5), FliteSpeech("A large size in stockings.")});
  auto detector = VoiceActivityDetector::Create();
  ASSERT_TRUE(detector);
  auto run = [&] {
    std::vector<bool> out;
    for (std::size_t i = 0; i + kVadFrameSamples <= pcm.samples.size(); i += kVadFrameSamples) {
      auto s = detector->IsSpeech(std::span<const float>(pcm.samples).subspan(i, kVadFrameSamples));
      EXPECT_TRUE(s);
      out.push_back(s && *s);
    }
    return out;
  };
  const auto first = run();
  ASSERT_TRUE(detector->Reset());
  EXPECT_EQ(run(), first);
}

TEST(AudioVad, RefusesWrongFormats) {
  auto detector = VoiceActivityDetector::Create();
  ASSERT_TRUE(detector);
  std::vector<float> wrong(100, 0.0f);
  auto r = detector->IsSpeech(wrong);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "frame");

  auto d = DetectVoiceActivity(Silence(8000, 1.0));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().field, "audio");
  PcmBuffer stereo{kVadSampleRate, 2, std::vector<float>(3200, 0.0f)};
  EXPECT_FALSE(DetectVoiceActivity(stereo));
  // Out-of-range and non-finite samples are clamped, not trusted.
  std::vector<float> wild(kVadFrameSamples, 5.0f);
  wild[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(detector->IsSpeech(wild));
}

}  // namespace
}  // namespace vox::audio
