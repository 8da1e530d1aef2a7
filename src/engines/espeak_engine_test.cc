#include "engines/espeak_engine.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engines/testing/audio_metrics.h"

namespace vox::engines {
namespace {

using testing::MedianF0;
using testing::Rms;

EspeakEngine& Engine() {
  static EspeakEngine* engine = [] {
    auto created = EspeakEngine::Create();
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

// One native sentence per language, with its word count (syllables for Chinese).
struct Sample {
  const char* key;  // voice id suffix
  const char* text;
  int words;
};
const Sample kSamples[] = {
    {"en", "The quick brown fox jumps over the lazy dog.", 9},
    {"en-us", "The quick brown fox jumps over the lazy dog.", 9},
    {"de", "Der schnelle braune Fuchs springt über den faulen Hund.", 9},
    {"fr", "Le renard brun rapide saute par-dessus le chien paresseux.", 9},
    {"es", "El rápido zorro marrón salta sobre el perro perezoso.", 9},
    {"es-419", "El rápido zorro marrón salta sobre el perro perezoso.", 9},
    {"it", "La volpe marrone veloce salta sopra il cane pigro.", 9},
    {"pt", "A rápida raposa marrom pula sobre o cão preguiçoso.", 9},
    {"pt-br", "A rápida raposa marrom pula sobre o cão preguiçoso.", 9},
    {"nl", "De snelle bruine vos springt over de luie hond.", 9},
    {"pl", "Szybki brązowy lis przeskakuje nad leniwym psem.", 7},
    {"ru", "Быстрая коричневая лиса прыгает через ленивую собаку.", 7},
    {"uk", "Швидка коричнева лисиця стрибає через ледачого пса.", 7},
    {"cs", "Rychlá hnědá liška skáče přes líného psa.", 7},
    {"sv", "Den snabba bruna räven hoppar över den lata hunden.", 9},
    {"tr", "Hızlı kahverengi tilki tembel köpeğin üzerinden atlar.", 7},
    {"ar", "الثعلب البني السريع يقفز فوق الكلب الكسول.", 7},
    {"hi", "तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है।", 9},
    {"zh", "敏捷的棕色狐狸跳过了懒狗。", 12},
    {"ja", "こんにちは、きょうはいいてんきですね。", 7},
    {"ko", "빠른 갈색 여우가 게으른 개를 뛰어넘는다.", 5},
    {"vi", "Con cáo nâu nhanh nhẹn nhảy qua con chó lười.", 10},
};

TEST(EspeakEngine, OffersTheRequiredLanguagesAtOneRate) {
  std::set<std::string> ids;
  for (const VoiceInfo& v : Engine().voices()) {
    ids.insert(v.id);
    EXPECT_EQ(v.engine, "espeak-ng");
    EXPECT_EQ(v.sample_rate, 22050) << v.id;
    EXPECT_TRUE(v.gender == "male" || v.gender == "female") << v.id;
    EXPECT_FALSE(v.engine_version.empty());
  }
  for (const char* key :
       {"en", "en-us", "de", "fr", "es", "it", "pt", "pt-br", "nl", "pl", "ru", "hi", "zh"}) {
    EXPECT_TRUE(ids.count(std::string("espeak-") + key)) << key;
  }
  EXPECT_TRUE(ids.count("espeak-en-f"));
  EXPECT_EQ(Voice("espeak-zh").language, "zh");
  EXPECT_EQ(Voice("espeak-pt-br").language, "pt-BR");
  EXPECT_EQ(Engine().name(), "espeak-ng");
}

TEST(EspeakEngine, EveryLanguageSpeaksItsSentence) {
  std::set<std::string> covered;
  for (const Sample& sample : kSamples) {
    const std::string id = std::string("espeak-") + sample.key;
    const audio::PcmBuffer pcm = Speak(sample.text, id);
    covered.insert(id);
    EXPECT_EQ(pcm.sample_rate, Voice(id).sample_rate) << id;
    EXPECT_EQ(pcm.channels, 1);
    EXPECT_GT(Rms(pcm), 0.02) << id;
    EXPECT_GE(pcm.duration_s(), 0.2 * sample.words) << id;
    EXPECT_LE(pcm.duration_s(), 0.8 * sample.words) << id;
  }
  for (const VoiceInfo& v : Engine().voices()) {
    if (v.gender == "male") {
      EXPECT_TRUE(covered.count(v.id)) << v.id << " has no test sentence";
    }
  }
}

TEST(EspeakEngine, FemaleVariantsSpeakHigher) {
  const char* text = "The quick brown fox jumps over the lazy dog.";
  for (const char* key : {"en", "en-us", "de", "fr", "es"}) {
    const std::string male = std::string("espeak-") + key;
    const audio::PcmBuffer low = Speak(text, male);
    const audio::PcmBuffer high = Speak(text, male + "-f");
    EXPECT_GT(Rms(high), 0.02);
    EXPECT_GT(MedianF0(high), 1.4 * MedianF0(low)) << key;
  }
}

TEST(EspeakEngine, SpeedTwoHalvesTheDuration) {
  const char* text = "The quick brown fox jumps over the lazy dog while the sun shines.";
  const double normal = Speak(text, "espeak-en-us").duration_s();
  SynthesisParams fast;
  fast.speed = 2.0;
  const double twice = Speak(text, "espeak-en-us", fast).duration_s();
  EXPECT_NEAR(twice / normal, 0.5, 0.08);
}

TEST(EspeakEngine, PitchScalesTheFundamental) {
  const char* text = "The quick brown fox jumps over the lazy dog.";
  for (const char* id : {"espeak-en-us", "espeak-de", "espeak-en-us-f"}) {
    const double base = MedianF0(Speak(text, id));
    SynthesisParams up;
    up.pitch = 1.5;
    SynthesisParams down;
    down.pitch = 0.75;
    const double raised = MedianF0(Speak(text, id, up));
    const double lowered = MedianF0(Speak(text, id, down));
    EXPECT_NEAR(raised / base, 1.5, 0.15) << id;
    EXPECT_NEAR(lowered / base, 0.75, 0.1) << id;
  }
}

TEST(EspeakEngine, LanguageParamSelectsTheEspeakVoice) {
  SynthesisParams german;
  german.language = "de-AT";
  const audio::PcmBuffer as_german =
      Speak("Der schnelle braune Fuchs springt über den faulen Hund.", "espeak-en", german);
  const audio::PcmBuffer direct =
      Speak("Der schnelle braune Fuchs springt über den faulen Hund.", "espeak-de");
  EXPECT_NEAR(as_german.duration_s(), direct.duration_s(), 0.05 * direct.duration_s());

  SynthesisParams klingon;
  klingon.language = "tlh";
  auto refused = Engine().Synthesize("Qapla", Voice("espeak-en"), klingon);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(refused.error().field, "language");
  EXPECT_TRUE(Engine().SupportsLanguage(Voice("espeak-en"), "pt_BR"));
  EXPECT_TRUE(Engine().SupportsLanguage(Voice("espeak-en"), "cmn"));
  EXPECT_FALSE(Engine().SupportsLanguage(Voice("espeak-en"), "tlh"));
}

TEST(EspeakEngine, RejectsBadRequests) {
  SynthesisParams too_fast;
  too_fast.speed = 9;
  auto r = Engine().Synthesize("hello", Voice("espeak-en"), too_fast);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "speed");

  VoiceInfo stranger = Voice("espeak-en");
  stranger.id = "espeak-xx";
  r = Engine().Synthesize("hello", stranger, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().field, "voice");

  r = Engine().Synthesize(std::string(EspeakEngine::kMaxTextBytes + 1, 'a'), Voice("espeak-en"),
                          {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
}

TEST(EspeakEngine, BlankAndOddTextIsHandled) {
  EXPECT_TRUE(Speak("", "espeak-en").empty());
  EXPECT_TRUE(Speak(" \n\t ", "espeak-en").empty());
  // Markup is text (no SSML flag), and NULs must not derail synthesis.
  for (const std::string& text :
       {std::string("<speak>1 < 2 & 3 > 2</speak>"), std::string("caf\xc3\xa9 na\xc3\xafve"),
        std::string("a\0b c", 5), std::string("12345678901234567890"), std::string("?!.,;:")}) {
    auto pcm = Engine().Synthesize(text, Voice("espeak-en"), {});
    ASSERT_TRUE(pcm.has_value()) << pcm.error().ToString();
  }
  // Broken UTF-8 is refused, naming the text, rather than read as garbage.
  auto broken = Engine().Synthesize("caf\xc3\xa9 \xff\xfe broken", Voice("espeak-en"), {});
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(broken.error().field, "text");
}

// espeak-ng is not bit-reproducible: wavegen state (pitch flutter, noise phase)
// carries over from earlier calls, moving lengths by up to ~50 ms. So concurrent
// results are compared with the serial ones within a tolerance, not sample for sample.
TEST(EspeakEngine, ConcurrentCallersAreSerializedSafely) {
  const std::vector<std::pair<std::string, std::string>> jobs = {
      {"espeak-en", "The quick brown fox jumps over the lazy dog."},
      {"espeak-de", "Der schnelle braune Fuchs springt über den faulen Hund."},
      {"espeak-fr", "Le renard brun rapide saute par-dessus le chien paresseux."},
      {"espeak-en-us-f", "Please call Stella."}};
  std::vector<audio::PcmBuffer> expected;
  for (const auto& [id, text] : jobs) expected.push_back(Speak(text, id));
  constexpr int kThreads = 4, kCalls = 6;
  std::vector<std::vector<audio::PcmBuffer>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const auto& [id, text] = jobs[(t + i) % jobs.size()];
        auto pcm = Engine().Synthesize(text, Voice(id), {});
        got[t].push_back(pcm.value_or(audio::PcmBuffer{}));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kCalls; ++i) {
      const audio::PcmBuffer& want = expected[(t + i) % jobs.size()];
      EXPECT_NEAR(got[t][i].duration_s(), want.duration_s(), 0.08 + 0.02 * want.duration_s());
      EXPECT_NEAR(Rms(got[t][i]), Rms(want), 0.1 * Rms(want));
    }
  }
}

TEST(EspeakEngine, ASecondDataDirIsRefused) {
  ASSERT_FALSE(Engine().voices().empty());                         // the default data dir is in use
  auto other = EspeakEngine::Create("/usr/lib/x86_64-linux-gnu");  // parent of espeak-ng-data
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(other.error().field, "espeak_data_dir");
  EXPECT_TRUE(EspeakEngine::Create().has_value());  // the same one is shared
}

}  // namespace
}  // namespace vox::engines
