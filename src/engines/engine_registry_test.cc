#include "engines/engine_registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engines/testing/audio_metrics.h"
#include "engines/testing/shared_registry.h"

namespace vox::engines {
namespace {

const EngineRegistry& Registry() { return testing::SharedRegistry(); }

std::string DefaultFor(std::string_view language) {
  auto ref = Registry().DefaultVoice(language);
  return ref ? ref->voice.id : "error: " + ref.error().ToString();
}

TEST(EngineRegistry, ListsFliteThenEspeakVoices) {
  const std::vector<VoiceInfo> all = Registry().ListVoices();
  ASSERT_GT(all.size(), 20u);
  EXPECT_EQ(all.front().id, "flite-slt");
  std::set<std::string> ids;
  for (const VoiceInfo& v : all) EXPECT_TRUE(ids.insert(v.id).second) << "duplicate " << v.id;
  EXPECT_TRUE(ids.count("espeak-de"));
  ASSERT_EQ(Registry().engines().size(), 2u);
  EXPECT_EQ(Registry().engines()[0]->name(), "flite");
  EXPECT_EQ(Registry().engines()[1]->name(), "espeak-ng");
}

TEST(EngineRegistry, FiltersVoicesByLanguageRange) {
  std::set<std::string> english;
  for (const VoiceInfo& v : Registry().ListVoices("en")) english.insert(v.id);
  EXPECT_TRUE(english.count("flite-slt"));
  EXPECT_TRUE(english.count("flite-awb"));  // en-GB
  EXPECT_TRUE(english.count("espeak-en"));  // en-GB
  EXPECT_FALSE(english.count("espeak-de"));

  std::set<std::string> british;
  for (const VoiceInfo& v : Registry().ListVoices("en_gb")) british.insert(v.id);
  EXPECT_TRUE(british.count("flite-awb"));
  EXPECT_FALSE(british.count("flite-slt"));

  const auto chinese = Registry().ListVoices("cmn");
  ASSERT_EQ(chinese.size(), 1u);
  EXPECT_EQ(chinese[0].id, "espeak-zh");
  EXPECT_TRUE(Registry().ListVoices("tlh").empty());
}

TEST(EngineRegistry, ResolvesIdsAndAliases) {
  for (const auto& [name, id] :
       std::vector<std::pair<std::string, std::string>>{{"flite-slt", "flite-slt"},
                                                        {"slt", "flite-slt"},
                                                        {"FLITE-RMS", "flite-rms"},
                                                        {"kal16", "flite-kal16"},
                                                        {"de", "espeak-de"},
                                                        {"pt-br", "espeak-pt-br"},
                                                        {"en-f", "espeak-en-f"}}) {
    auto ref = Registry().FindVoice(name);
    ASSERT_TRUE(ref.has_value()) << name << ": " << ref.error().ToString();
    EXPECT_EQ(ref->voice.id, id);
    EXPECT_EQ(ref->engine.name(), ref->voice.engine);
  }
}

TEST(EngineRegistry, RejectsUnknownVoicesNamingValidOnes) {
  for (const char* name : {"nosuchvoice", "", "flite-", "espeak-tlh"}) {
    auto ref = Registry().FindVoice(name);
    ASSERT_FALSE(ref.has_value()) << name;
    EXPECT_EQ(ref.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(ref.error().field, "voice");
    EXPECT_NE(ref.error().message.find("flite-slt"), std::string::npos) << ref.error().message;
  }
}

TEST(EngineRegistry, PicksADefaultVoicePerLanguage) {
  EXPECT_EQ(DefaultFor(""), "flite-slt");
  EXPECT_EQ(DefaultFor("en"), "flite-slt");
  EXPECT_EQ(DefaultFor("en-US"), "flite-slt");
  EXPECT_EQ(DefaultFor("en-AU"), "flite-slt");
  EXPECT_EQ(DefaultFor("en-GB"), "flite-awb");
  EXPECT_EQ(DefaultFor("de"), "espeak-de");
  EXPECT_EQ(DefaultFor("de-AT"), "espeak-de");
  EXPECT_EQ(DefaultFor("pt-BR"), "espeak-pt-br");
  EXPECT_EQ(DefaultFor("pt"), "espeak-pt");
  EXPECT_EQ(DefaultFor("fr"), "espeak-fr");
  EXPECT_EQ(DefaultFor("zh-CN"), "espeak-zh");
  EXPECT_EQ(DefaultFor("es-419"), "espeak-es-419");

  auto unknown = Registry().DefaultVoice("tlh");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(unknown.error().field, "language");

  auto malformed = Registry().DefaultVoice("english please");
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(malformed.error().field, "language");
}

TEST(EngineRegistry, ResolveChecksTheVoiceSpeaksTheLanguage) {
  auto ok = Registry().Resolve("slt", "en-GB");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(ok->voice.id, "flite-slt");

  auto espeak_any = Registry().Resolve("espeak-en", "de");
  ASSERT_TRUE(espeak_any.has_value());  // the language picks espeak's German

  auto refused = Registry().Resolve("flite-slt", "de");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(refused.error().field, "language");
  EXPECT_NE(refused.error().message.find("espeak-de"), std::string::npos)
      << refused.error().message;

  auto malformed = Registry().Resolve("flite-slt", "e");
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);

  auto by_language = Registry().Resolve("", "ru");
  ASSERT_TRUE(by_language.has_value());
  EXPECT_EQ(by_language->voice.id, "espeak-ru");
}

TEST(EngineRegistry, SynthesizesThroughTheResolvedEngine) {
  SynthesisParams params;
  params.language = "de";
  auto german = Registry().Synthesize("Guten Morgen, wie geht es dir?", "", params);
  ASSERT_TRUE(german.has_value()) << german.error().ToString();
  EXPECT_EQ(german->sample_rate, 22050);
  EXPECT_GT(testing::Rms(*german), 0.02);

  auto english = Registry().Synthesize("Good morning.", "kal", {});
  ASSERT_TRUE(english.has_value()) << english.error().ToString();
  EXPECT_EQ(english->sample_rate, 8000);

  auto missing = Registry().Synthesize("Hello.", "nobody", {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(EngineRegistry, HonoursTheConfig) {
  EnginesConfig flite_only;
  flite_only.espeak = false;
  auto registry = EngineRegistry::Create(flite_only);
  ASSERT_TRUE(registry.has_value()) << registry.error().ToString();
  EXPECT_EQ((*registry)->ListVoices().size(), 5u);
  auto german = (*registry)->DefaultVoice("de");
  ASSERT_FALSE(german.has_value());
  EXPECT_EQ(german.error().field, "language");

  EnginesConfig espeak_only;
  espeak_only.flite = false;
  registry = EngineRegistry::Create(espeak_only);
  ASSERT_TRUE(registry.has_value()) << registry.error().ToString();
  auto english = (*registry)->DefaultVoice("en");
  ASSERT_TRUE(english.has_value());
  EXPECT_EQ(english->voice.id, "espeak-en");
  EXPECT_EQ((*registry)->DefaultVoice("en-US")->voice.id, "espeak-en-us");

  EnginesConfig none;
  none.flite = none.espeak = false;
  auto refused = EngineRegistry::Create(none);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().field, "engines");
}

TEST(EnginesConfig, ValidatesAndPrints) {
  EnginesConfig config;
  EXPECT_TRUE(config.Validate().has_value());
  EXPECT_EQ(config.ToString(), R"(EnginesConfig{flite=true, espeak=true, espeak_data_dir=""})");

  config.espeak_data_dir = "/usr/lib/x86_64-linux-gnu/espeak-ng-data";
  EXPECT_TRUE(config.Validate().has_value());
  config.espeak_data_dir = "/usr/lib/x86_64-linux-gnu";  // the parent works too
  EXPECT_TRUE(config.Validate().has_value());

  config.espeak_data_dir = "/nonexistent/espeak-data";
  auto bad = config.Validate();
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "espeak_data_dir");
  EXPECT_NE(bad.error().message.find("/nonexistent/espeak-data"), std::string::npos);

  config.espeak = false;  // irrelevant when espeak is off
  EXPECT_TRUE(config.Validate().has_value());
}

// A fake engine for what the real ones cannot do: collide on voice ids, and
// say when it is destroyed.
class FakeEngine final : public Engine {
 public:
  explicit FakeEngine(std::vector<VoiceInfo> voices, bool* destroyed = nullptr)
      : voices_(std::move(voices)), destroyed_(destroyed) {}
  ~FakeEngine() override {
    if (destroyed_) *destroyed_ = true;
  }
  std::string name() const override { return "fake"; }
  std::string version() const override { return "0"; }
  const std::vector<VoiceInfo>& voices() const override { return voices_; }
  Result<audio::PcmBuffer> Synthesize(std::string_view, const VoiceInfo&,
                                      const SynthesisParams&) override {
    return audio::PcmBuffer{};
  }

 private:
  std::vector<VoiceInfo> voices_;
  bool* destroyed_;
};

VoiceInfo FakeVoice(std::string id, std::string language) {
  VoiceInfo v;
  v.id = std::move(id);
  v.engine = "fake";
  v.language = std::move(language);
  return v;
}

TEST(EngineRegistry, RefusesDuplicateIdsAndDropsAmbiguousAliases) {
  std::vector<std::unique_ptr<Engine>> engines;
  engines.push_back(std::make_unique<FakeEngine>(
      std::vector<VoiceInfo>{FakeVoice("a-x", "en"), FakeVoice("a-y", "de")}));
  engines.push_back(std::make_unique<FakeEngine>(
      std::vector<VoiceInfo>{FakeVoice("b-x", "en"), FakeVoice("b-z", "fr")}));
  auto registry = EngineRegistry::FromEngines(std::move(engines));
  ASSERT_TRUE(registry.has_value());
  EXPECT_FALSE((*registry)->FindVoice("x").has_value());  // a-x or b-x: ambiguous
  EXPECT_EQ((*registry)->FindVoice("y")->voice.id, "a-y");
  EXPECT_EQ((*registry)->FindVoice("b-x")->voice.id, "b-x");

  std::vector<std::unique_ptr<Engine>> clashing;
  clashing.push_back(std::make_unique<FakeEngine>(std::vector<VoiceInfo>{FakeVoice("a-x", "en")}));
  clashing.push_back(std::make_unique<FakeEngine>(std::vector<VoiceInfo>{FakeVoice("A-X", "en")}));
  auto refused = EngineRegistry::FromEngines(std::move(clashing));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
}

TEST(EngineRegistry, ReplacingTheExtraEnginesKeepsResolvedVoicesAliveUntilReleased) {
  std::vector<std::unique_ptr<Engine>> fixed;
  fixed.push_back(std::make_unique<FakeEngine>(std::vector<VoiceInfo>{FakeVoice("a-x", "en")}));
  auto registry = EngineRegistry::FromEngines(std::move(fixed));
  ASSERT_TRUE(registry.has_value());
  bool old_destroyed = false;
  std::vector<std::unique_ptr<Engine>> first;
  first.push_back(std::make_unique<FakeEngine>(std::vector<VoiceInfo>{FakeVoice("piper-old", "de")},
                                               &old_destroyed));
  ASSERT_TRUE((*registry)->ReplaceExtraEngines(std::move(first)));
  EXPECT_EQ((*registry)->ListVoices().size(), 2u);

  {
    auto in_use = (*registry)->FindVoice("piper-old");  // a request in progress
    ASSERT_TRUE(in_use.has_value());
    std::vector<std::unique_ptr<Engine>> second;
    second.push_back(
        std::make_unique<FakeEngine>(std::vector<VoiceInfo>{FakeVoice("piper-new", "fr")}));
    ASSERT_TRUE((*registry)->ReplaceExtraEngines(std::move(second)));
    // New requests see the new set; the one in progress still has its engine.
    EXPECT_FALSE((*registry)->FindVoice("piper-old").has_value());
    EXPECT_EQ((*registry)->FindVoice("new")->voice.id, "piper-new");
    EXPECT_EQ((*registry)->FindVoice("a-x")->voice.id, "a-x");  // fixed engines stay
    EXPECT_FALSE(old_destroyed);
    EXPECT_EQ(in_use->voice.id, "piper-old");
    EXPECT_EQ(in_use->engine.voices().size(), 1u);
  }
  EXPECT_TRUE(old_destroyed) << "the replaced engine is freed with its last user";

  // A set that clashes with a fixed voice changes nothing.
  std::vector<std::unique_ptr<Engine>> clashing;
  clashing.push_back(std::make_unique<FakeEngine>(std::vector<VoiceInfo>{FakeVoice("A-X", "en")}));
  auto refused = (*registry)->ReplaceExtraEngines(std::move(clashing));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE((*registry)->FindVoice("piper-new").has_value());
  EXPECT_EQ((*registry)->engines().size(), 2u);
}

}  // namespace
}  // namespace vox::engines
