// SSML plans spoken by a real engine (flite): breaks are silence of their
// length, prosody changes duration and level, marks land where the audio is;
// <phoneme> runs reach an engine that takes phonemes as IPA, others read the text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "engines/engine_registry.h"
#include "engines/synthesizer.h"
#include "engines/testing/shared_registry.h"

namespace vox::engines {
namespace {

using ::testing::HasSubstr;

struct Spoken {
  audio::PcmBuffer pcm;
  std::vector<std::pair<std::string, double>> marks;
};

SynthesisPlan Plan(const std::string& ssml, const SynthesisParams& params = {}) {
  auto plan = Synthesizer(testing::SharedRegistry()).PrepareSsml(ssml, "flite-slt", params, {});
  EXPECT_TRUE(plan.has_value()) << plan.error().ToString();
  return plan ? std::move(*plan) : SynthesisPlan{};
}

Spoken Speak(const SynthesisPlan& plan) {
  Spoken out;
  const Status s =
      Synthesizer(testing::SharedRegistry())
          .RunTimed(
              plan,
              [&](AudioChunk&& chunk) -> Status {
                EXPECT_NEAR(chunk.offset_s, out.pcm.duration_s(), 1e-6);
                out.pcm.sample_rate = chunk.pcm.sample_rate;
                out.pcm.samples.insert(out.pcm.samples.end(), chunk.pcm.samples.begin(),
                                       chunk.pcm.samples.end());
                return {};
              },
              {}, [&](const std::string& name, double t) { out.marks.emplace_back(name, t); });
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return out;
}

Spoken Speak(const std::string& ssml) { return Speak(Plan(ssml)); }

double Rms(const audio::PcmBuffer& pcm, double from_s, double to_s) {
  const auto b = static_cast<size_t>(from_s * pcm.sample_rate);
  const auto e = std::min(pcm.samples.size(), static_cast<size_t>(to_s * pcm.sample_rate));
  double sum = 0;
  for (size_t i = b; i < e; ++i) sum += pcm.samples[i] * pcm.samples[i];
  return e > b ? std::sqrt(sum / static_cast<double>(e - b)) : 0;
}

TEST(SynthesizerSsml, BreakAddsSilenceOfItsLength) {
  const Spoken plain = Speak("<speak>Hello there. General Kenobi.</speak>");
  const Spoken paused = Speak("<speak>Hello there.<break time=\"2s\"/>General Kenobi.</speak>");
  EXPECT_NEAR(paused.pcm.duration_s() - plain.pcm.duration_s(), 2.0, 0.01);
  // The inserted 2 s are digital silence, after the first sentence's audio.
  const Spoken first = Speak("<speak>Hello there.</speak>");
  const double at = first.pcm.duration_s();
  EXPECT_EQ(Rms(paused.pcm, at, at + 2.0), 0.0);
  const Spoken strong =
      Speak("<speak>Hello there.<break strength=\"x-strong\"/>General Kenobi.</speak>");
  EXPECT_NEAR(strong.pcm.duration_s() - plain.pcm.duration_s(), 1.0, 0.01);
}

TEST(SynthesizerSsml, RateChangesDuration) {
  const double normal =
      Speak("<speak>The quick brown fox jumps over the lazy dog.</speak>").pcm.duration_s();
  const double slow =
      Speak(
          "<speak><prosody rate=\"50%\">The quick brown fox jumps over the lazy dog."
          "</prosody></speak>")
          .pcm.duration_s();
  const double fast = Speak(
                          "<speak><prosody rate=\"x-fast\">The quick brown fox jumps over the lazy "
                          "dog.</prosody></speak>")
                          .pcm.duration_s();
  EXPECT_GT(slow, normal * 1.6);
  EXPECT_LT(fast, normal * 0.75);
}

TEST(SynthesizerSsml, RateMultipliesTheRequestSpeedWithinRange) {
  SynthesisParams params;
  params.speed = 3.0;
  SynthesisPlan plan = Plan("<speak><prosody rate=\"x-fast\">Go.</prosody></speak>", params);
  ASSERT_EQ(plan.styles.sentences.size(), 1u);
  EXPECT_DOUBLE_EQ(plan.styles.sentences[0].rate, 1.75);
  EXPECT_FALSE(Speak(plan).pcm.empty());  // 3 x 1.75 is clamped to 4, not refused
}

TEST(SynthesizerSsml, VolumeChangesLevel) {
  const std::string text = "The quick brown fox jumps over the lazy dog.";
  const Spoken normal = Speak("<speak>" + text + "</speak>");
  const Spoken soft = Speak("<speak><prosody volume=\"-12dB\">" + text + "</prosody></speak>");
  const Spoken silent = Speak("<speak><prosody volume=\"silent\">" + text + "</prosody></speak>");
  const double d = normal.pcm.duration_s();
  ASSERT_EQ(soft.pcm.samples.size(), normal.pcm.samples.size());  // flite is deterministic
  EXPECT_NEAR(Rms(soft.pcm, 0, d) / Rms(normal.pcm, 0, d), std::pow(10.0, -12.0 / 20), 0.01);
  EXPECT_NEAR(silent.pcm.duration_s(), d, 1e-9);
  EXPECT_EQ(Rms(silent.pcm, 0, d), 0.0);
}

TEST(SynthesizerSsml, MarksLandAtTheirTimeInTheAudio) {
  const Spoken one = Speak("<speak>Hello there.</speak>");
  const Spoken s = Speak(
      "<speak><mark name=\"start\"/>Hello there.<break time=\"500ms\"/><mark name=\"second\"/>"
      "General Kenobi.<mark name=\"end\"/></speak>");
  ASSERT_EQ(s.marks.size(), 3u);
  EXPECT_EQ(s.marks[0], (std::pair<std::string, double>{"start", 0.0}));
  EXPECT_EQ(s.marks[1].first, "second");
  EXPECT_NEAR(s.marks[1].second, one.pcm.duration_s() + 0.5, 1e-6);
  EXPECT_EQ(s.marks[2].first, "end");
  EXPECT_NEAR(s.marks[2].second, s.pcm.duration_s(), 1e-6);
}

TEST(SynthesizerSsml, SayAsIsNormalizedAndStylesSurviveTheJobParams) {
  SynthesisPlan plan = Plan(
      "<speak>Call <say-as interpret-as=\"digits\">42</say-as>.<break time=\"1s\"/>"
      "<prosody pitch=\"+2st\" volume=\"-6dB\"><mark name=\"m\"/>Now.</prosody></speak>");
  ASSERT_EQ(plan.sentences.size(), 2u);
  EXPECT_THAT(plan.sentences[0], HasSubstr("four two"));
  // What the API stores and the worker resumes: the same styles.
  const nlohmann::json stored = plan.styles.ToJson();
  auto restored = PlanStyles::FromJson(nlohmann::json::parse(stored.dump()), plan.sentences.size());
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(restored->sentences, plan.styles.sentences);
  EXPECT_DOUBLE_EQ(restored->sentences[1].pause_before_s, 1.0);
  auto resumed = Synthesizer(testing::SharedRegistry())
                     .Resume("flite-slt", {}, plan.sentences, std::move(*restored));
  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(Speak(*resumed).pcm.samples, Speak(plan).pcm.samples);
  // Plain plans store nothing; an old job's null styles resume as plain text.
  EXPECT_TRUE(Plan("<speak>Plain.</speak>").styles.ToJson().is_null());
  EXPECT_TRUE(PlanStyles::FromJson(nullptr, 3)->sentences.empty());
  EXPECT_FALSE(PlanStyles::FromJson(stored, 5).has_value());
}

// Takes phonemes and writes down what each call was given (text, phonemes); a
// tenth of a second of silence per call.
class PhonemeTakingEngine final : public Engine {
 public:
  PhonemeTakingEngine() {
    VoiceInfo voice;
    voice.id = "ipa-test";
    voice.engine = "ipa";
    voice.engine_version = "1";
    voice.language = "en-US";
    voice.sample_rate = 16000;
    voices_.push_back(voice);
  }
  std::string name() const override { return "ipa"; }
  std::string version() const override { return "1"; }
  const std::vector<VoiceInfo>& voices() const override { return voices_; }
  EngineCapabilities capabilities() const override {
    EngineCapabilities caps = Engine::capabilities();
    caps.phoneme_input = true;
    return caps;
  }
  Result<audio::PcmBuffer> Synthesize(std::string_view text, const VoiceInfo& voice,
                                      const SynthesisParams& params) override {
    calls.emplace_back(std::string(text), params.phonemes);
    audio::PcmBuffer pcm;
    pcm.sample_rate = voice.sample_rate;
    pcm.samples.assign(1600, 0.f);
    return pcm;
  }
  std::vector<std::pair<std::string, std::string>> calls;
  std::vector<VoiceInfo> voices_;
};

TEST(SynthesizerSsml, PhonemeRunsReachEnginesThatTakePhonemes) {
  const std::string ssml =
      "<speak>Say <phoneme alphabet=\"ipa\" ph=\"təˈmeɪɾoʊ\">tomato</phoneme>"
      " now. <phoneme ph=\"j\">Yes.</phoneme> <phoneme ph=\"n\">No.</phoneme></speak>";
  auto engine = std::make_unique<PhonemeTakingEngine>();
  PhonemeTakingEngine& taking = *engine;
  std::vector<std::unique_ptr<Engine>> engines;
  engines.push_back(std::move(engine));
  auto registry = EngineRegistry::FromEngines(std::move(engines));
  ASSERT_TRUE(registry.has_value());
  Synthesizer synth(**registry);
  auto plan = synth.PrepareSsml(ssml, "ipa-test", {}, {});
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  ASSERT_TRUE(synth.Run(*plan, [](const audio::PcmBuffer&) -> Status { return {}; }).has_value());
  using Call = std::pair<std::string, std::string>;
  EXPECT_EQ(taking.calls,
            (std::vector<Call>{
                {"Say", ""}, {"tomato", "təˈmeɪɾoʊ"}, {"now.", ""}, {"Yes.", "j"}, {"No.", "n"}}));
  // Stored with the job's styles, so the worker speaks the same IPA.
  auto restored = PlanStyles::FromJson(nlohmann::json::parse(plan->styles.ToJson().dump()),
                                       plan->sentences.size());
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->sentences[1].phonemes, "təˈmeɪɾoʊ");

  // flite reads text: the element's text is spoken in its sentence, in one engine call.
  SynthesisPlan flite = Plan(ssml);
  EXPECT_EQ(flite.sentences, (std::vector<std::string>{"Say tomato now.", "Yes.", "No."}));
  EXPECT_TRUE(flite.styles.sentences.empty()) << flite.styles.ToJson().dump();
  EXPECT_EQ(Speak(flite).pcm.samples, Speak("<speak>Say tomato now. Yes. No.</speak>").pcm.samples);
}

TEST(SynthesizerSsml, LangSwitchesOnlyWhereTheVoiceSpeaksIt) {
  SynthesisPlan plan = Plan(
      "<speak><lang xml:lang=\"en-GB\">Colour.</lang><lang xml:lang=\"de-DE\">Farbe.</lang>"
      "</speak>");
  ASSERT_EQ(plan.styles.sentences.size(), 2u);
  EXPECT_EQ(plan.styles.sentences[0].language, "en-GB");  // a variant of slt's en-US
  EXPECT_EQ(plan.styles.sentences[1].language, "");       // not slt's: ignored, still spoken
  EXPECT_FALSE(Speak(plan).pcm.empty());
}

TEST(SynthesizerSsml, MalformedSsmlIsABadRequestWithItsPosition) {
  auto plan =
      Synthesizer(testing::SharedRegistry())
          .PrepareSsml("<speak>\n<prosody rate=\"warp\">x</prosody></speak>", "flite-slt", {}, {});
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(plan.error().message, HasSubstr("SSML line 2, column 1"));
  auto empty = Synthesizer(testing::SharedRegistry())
                   .PrepareSsml("<speak><break time=\"1s\"/></speak>", "flite-slt", {}, {});
  ASSERT_FALSE(empty.has_value());
  EXPECT_THAT(empty.error().message, HasSubstr("nothing to speak"));
}

}  // namespace
}  // namespace vox::engines
