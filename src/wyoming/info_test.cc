// `info` and voice selection over a registry with a multi-speaker voice (as
// Piper's packages are: "NAME" and "NAME:SPEAKER" ids), built from a fake engine.
#include "wyoming/info.h"

#include <gtest/gtest.h>

#include "wyoming/voice_selection.h"

namespace vox::wyoming {
namespace {

class FakeEngine : public engines::Engine {
 public:
  FakeEngine() {
    for (const char* id :
         {"piper-lessac", "piper-libritts", "piper-libritts:p1", "piper-libritts:p2", "other:x"}) {
      engines::VoiceInfo v;
      v.id = id;
      v.engine = "piper";
      v.engine_version = "1.2";
      v.language = "en-US";
      v.sample_rate = 22050;
      voices_.push_back(v);
    }
  }
  std::string name() const override { return "piper"; }
  std::string version() const override { return "1.2"; }
  const std::vector<engines::VoiceInfo>& voices() const override { return voices_; }
  Result<audio::PcmBuffer> Synthesize(std::string_view, const engines::VoiceInfo&,
                                      const engines::SynthesisParams&) override {
    return audio::PcmBuffer{};
  }

 private:
  std::vector<engines::VoiceInfo> voices_;
};

std::unique_ptr<engines::EngineRegistry> MakeRegistry() {
  std::vector<std::unique_ptr<engines::Engine>> engines;
  engines.push_back(std::make_unique<FakeEngine>());
  return engines::EngineRegistry::FromEngines(std::move(engines)).value();
}

TEST(WyomingInfo, FoldsSpeakerIdsIntoTheirVoice) {
  auto registry = MakeRegistry();
  auto info = BuildInfoData(*registry);
  const auto& voices = info["tts"][0]["voices"];
  ASSERT_EQ(voices.size(), 3u);  // piper-lessac, piper-libritts, other:x (no base voice)
  EXPECT_EQ(voices[0]["name"], "piper-lessac");
  EXPECT_TRUE(voices[0]["speakers"].is_null());
  EXPECT_EQ(voices[1]["name"], "piper-libritts");
  EXPECT_EQ(voices[1]["speakers"], nlohmann::json::parse(R"([{"name":"p1"},{"name":"p2"}])"));
  EXPECT_EQ(voices[1]["attribution"]["url"], "https://github.com/rhasspy/piper");
  EXPECT_EQ(voices[2]["name"], "other:x");
}

TEST(WyomingVoiceSelection, NameSpeakerLanguageDefault) {
  auto registry = MakeRegistry();
  auto pick = [&](const char* voice) {
    return SelectVoice(*registry, "piper-lessac",
                       voice ? nlohmann::json::parse(voice) : nlohmann::json());
  };
  EXPECT_EQ(pick(R"({"name":"piper-libritts","speaker":"p2"})")->voice_id, "piper-libritts:p2");
  // An unknown speaker falls back to the voice's default speaker (as wyoming-piper does).
  EXPECT_EQ(pick(R"({"name":"piper-libritts","speaker":"p9"})")->voice_id, "piper-libritts");
  // A name overrides the language.
  EXPECT_EQ(pick(R"({"name":"piper-lessac","language":"de"})")->voice_id, "piper-lessac");
  auto by_language = pick(R"({"language":"en-US"})");
  ASSERT_TRUE(by_language);
  EXPECT_EQ(by_language->language, "en-US");
  EXPECT_EQ(pick(nullptr)->voice_id, "piper-lessac");
  EXPECT_EQ(pick("{}")->voice_id, "piper-lessac");
  EXPECT_EQ(pick(R"({"name":"nobody"})").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(pick(R"({"name":5})").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(pick(R"("piper-lessac")").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(pick(R"({"language":"fr"})").error().code, ErrorCode::kUnprocessable);
}

}  // namespace
}  // namespace vox::wyoming
