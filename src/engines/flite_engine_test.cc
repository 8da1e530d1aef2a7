#include "engines/flite_engine.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engines/testing/audio_metrics.h"

namespace vox::engines {
namespace {

using testing::MedianF0;
using testing::Rms;

FliteEngine& Engine() {
  static FliteEngine* engine = [] {
    auto created = FliteEngine::Create();
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return created->release();
  }();
  return *engine;
}

const VoiceInfo& Voice(const std::string& id) {
  for (const VoiceInfo& v : Engine().voices()) {
    if (v.id == id) return v;
  }
  ADD_FAILURE() << "no voice " << id;
  return Engine().voices().front();
}

audio::PcmBuffer Speak(const std::string& text, const std::string& voice_id,
                       SynthesisParams params = {}) {
  auto pcm = Engine().Synthesize(text, Voice(voice_id), params);
  EXPECT_TRUE(pcm.has_value()) << pcm.error().ToString();
  return pcm.value_or(audio::PcmBuffer{});
}

constexpr char kSentence[] = "The quick brown fox jumps over the lazy dog.";  // 9 words
constexpr int kSentenceWords = 9;

TEST(FliteEngine, ListsDebiansEnglishVoicesWithTheirRealRates) {
  const std::map<std::string, int> expected_rates = {{"flite-slt", 16000},
                                                     {"flite-rms", 16000},
                                                     {"flite-awb", 16000},
                                                     {"flite-kal", 8000},
                                                     {"flite-kal16", 16000}};
  ASSERT_EQ(Engine().voices().size(), expected_rates.size());
  for (const VoiceInfo& v : Engine().voices()) {
    ASSERT_TRUE(expected_rates.count(v.id)) << v.id;
    EXPECT_EQ(v.sample_rate, expected_rates.at(v.id)) << v.id;
    EXPECT_EQ(v.engine, "flite");
    EXPECT_EQ(v.engine_version, "2.2");
    EXPECT_EQ(v.id, "flite-" + v.name);
    EXPECT_TRUE(v.language.starts_with("en-")) << v.language;
    EXPECT_FALSE(v.description.empty());
  }
  EXPECT_EQ(Voice("flite-slt").gender, "female");
  EXPECT_EQ(Voice("flite-rms").gender, "male");
  EXPECT_EQ(Engine().name(), "flite");
  EXPECT_EQ(Engine().version(), "2.2");
}

TEST(FliteEngine, EveryVoiceSpeaksAtItsDeclaredRate) {
  for (const VoiceInfo& v : Engine().voices()) {
    const audio::PcmBuffer pcm = Speak(kSentence, v.id);
    EXPECT_EQ(pcm.sample_rate, v.sample_rate) << v.id;
    EXPECT_EQ(pcm.channels, 1);
    EXPECT_GT(Rms(pcm), 0.02) << v.id;
    EXPECT_GE(pcm.duration_s(), 0.2 * kSentenceWords) << v.id;
    EXPECT_LE(pcm.duration_s(), 0.8 * kSentenceWords) << v.id;
  }
}

TEST(FliteEngine, SpeedTwoHalvesTheDuration) {
  SynthesisParams fast;
  fast.speed = 2.0;
  SynthesisParams slow;
  slow.speed = 0.5;
  for (const VoiceInfo& v : Engine().voices()) {
    const double normal = Speak(kSentence, v.id).duration_s();
    EXPECT_NEAR(Speak(kSentence, v.id, fast).duration_s() / normal, 0.5, 0.06) << v.id;
    EXPECT_NEAR(Speak(kSentence, v.id, slow).duration_s() / normal, 2.0, 0.2) << v.id;
  }
}

// Every flite voice honours pitch, each through its own F0 model (see flite_engine.h).
TEST(FliteEngine, PitchScalesTheFundamentalOfEveryVoice) {
  SynthesisParams up;
  up.pitch = 1.5;
  SynthesisParams down;
  down.pitch = 0.75;
  for (const VoiceInfo& v : Engine().voices()) {
    const double base = MedianF0(Speak(kSentence, v.id));
    ASSERT_GT(base, 60) << v.id;
    EXPECT_NEAR(MedianF0(Speak(kSentence, v.id, up)) / base, 1.5, 0.15) << v.id;
    EXPECT_NEAR(MedianF0(Speak(kSentence, v.id, down)) / base, 0.75, 0.1) << v.id;
  }
}

TEST(FliteEngine, PitchAndSpeedDoNotLeakIntoLaterRequests) {
  const audio::PcmBuffer before = Speak(kSentence, "flite-rms");
  SynthesisParams odd;
  odd.speed = 1.7;
  odd.pitch = 1.8;
  Speak(kSentence, "flite-rms", odd);
  Speak(kSentence, "flite-kal", odd);
  EXPECT_EQ(Speak(kSentence, "flite-rms").samples, before.samples);
}

TEST(FliteEngine, OutputIsDeterministic) {
  for (const VoiceInfo& v : Engine().voices()) {
    EXPECT_EQ(Speak(kSentence, v.id).samples, Speak(kSentence, v.id).samples) << v.id;
  }
}

TEST(FliteEngine, SpeaksEnglishOnly) {
  SynthesisParams british;
  british.language = "en-GB";
  EXPECT_FALSE(Speak("Hello there.", "flite-slt", british).empty());

  SynthesisParams german;
  german.language = "de";
  auto refused = Engine().Synthesize("Hallo", Voice("flite-slt"), german);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(refused.error().field, "language");
}

TEST(FliteEngine, RejectsBadRequests) {
  SynthesisParams low;
  low.pitch = 0.1;
  auto r = Engine().Synthesize("hello", Voice("flite-slt"), low);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "pitch");

  VoiceInfo espeak_voice = Voice("flite-slt");
  espeak_voice.id = "espeak-en";
  r = Engine().Synthesize("hello", espeak_voice, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().field, "voice");

  r = Engine().Synthesize(std::string(FliteEngine::kMaxTextBytes + 1, 'a'), Voice("flite-kal"), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(r.error().field, "text");
}

TEST(FliteEngine, BlankAndOddTextIsHandled) {
  const audio::PcmBuffer blank = Speak(" \n ", "flite-slt");
  EXPECT_TRUE(blank.empty());
  EXPECT_EQ(blank.sample_rate, 16000);
  for (const std::string& text :
       {std::string("caf\xc3\xa9 na\xc3\xafve \xe2\x82\xac 5 \xf0\x9f\x98\x80"),
        std::string("a\0b c", 5), std::string("1234567890123456789012345678901234567890"),
        std::string("?!.,;:-()[]{}"),
        std::string("Dr. Smith paid $3.50 on 12/25/2023 at 10:30am, ref #A-17.")}) {
    for (const char* id : {"flite-slt", "flite-rms", "flite-kal"}) {
      auto pcm = Engine().Synthesize(text, Voice(id), {});
      ASSERT_TRUE(pcm.has_value()) << pcm.error().ToString();
    }
  }
  // Broken UTF-8 would reach flite's front end as garbage: refused, naming the text.
  auto broken = Engine().Synthesize("\xff\xfe\xfd broken utf-8", Voice("flite-slt"), {});
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(broken.error().field, "text");
}

// The cancel poll rides on flite's audio streaming callback: it must not change
// the audio, and it must stop every kind of voice (clustergen and diphone vocoders).
TEST(FliteEngine, CancelPollingLeavesAudioAloneAndStopsEveryVoice) {
  std::string long_text;
  while (long_text.size() < 600) long_text += "and the quick brown fox jumps over the lazy dog ";
  for (const VoiceInfo& v : Engine().voices()) {
    const audio::PcmBuffer plain = Speak(kSentence, v.id);
    audio::PcmBuffer polled;
    int polls = 0;
    const Status s = Engine().SynthesizeStream(
        kSentence, v, {},
        [&](AudioChunk&& c) -> Status {
          polled.samples.insert(polled.samples.end(), c.pcm.samples.begin(), c.pcm.samples.end());
          return {};
        },
        [&] { return ++polls < 0; });
    ASSERT_TRUE(s.has_value()) << v.id;
    EXPECT_EQ(polled.samples, plain.samples) << v.id;
    EXPECT_GT(polls, 5) << v.id << ": polled inside the sentence";

    int until_stop = 0;
    const Status stopped = Engine().SynthesizeStream(
        long_text, v, {}, [](AudioChunk&&) -> Status { return {}; },
        [&] { return ++until_stop > 2; });
    ASSERT_FALSE(stopped.has_value()) << v.id;
    EXPECT_EQ(stopped.error().code, ErrorCode::kCanceled) << v.id;
    EXPECT_EQ(until_stop, 3) << v.id;
  }
}

}  // namespace
}  // namespace vox::engines
