// Voice configs: the fields of a real Piper export, and a clear error naming
// the file and the field for each missing or wrong-typed one.
#include "piper/voice_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "piper/testing/test_voice.h"

namespace vox::piper {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(VoiceConfig, ReadsEveryFieldOfAPiperExport) {
  json root = testing::MinimalConfig();
  root["num_speakers"] = 3;
  root["speaker_id_map"] = {{"alice", 0}, {"bob", 2}};
  root["phoneme_map"] = {{"c", {"k", "s"}}};
  root["inference"] = {{"noise_scale", 0.5},
                       {"length_scale", 1.25},
                       {"noise_w", 0.7},
                       {"phoneme_silence", {{".", 0.3}}}};
  root["license"] = "CC0";
  auto config = ParseVoiceConfig(root, "x.onnx.json");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->sample_rate, 22050);
  EXPECT_EQ(config->quality, "medium");
  EXPECT_EQ(config->espeak_voice, "en-us");
  EXPECT_EQ(config->language.code, "en_US");
  EXPECT_EQ(config->language.Bcp47(), "en-US");
  EXPECT_EQ(config->language.name_english, "English");
  EXPECT_EQ(config->language.country_english, "United States");
  EXPECT_TRUE(config->IsEnglish());
  EXPECT_DOUBLE_EQ(config->inference.noise_scale, 0.5);
  EXPECT_DOUBLE_EQ(config->inference.length_scale, 1.25);
  EXPECT_DOUBLE_EQ(config->inference.noise_w, 0.7);
  EXPECT_DOUBLE_EQ(config->phoneme_silence.at(U'.'), 0.3);
  EXPECT_EQ(config->phoneme_type, PhonemeType::kEspeak);
  EXPECT_EQ(config->phoneme_map.at(U'c'), (std::vector<char32_t>{U'k', U's'}));
  EXPECT_EQ(config->phoneme_id_map.at(U'^'), (std::vector<int64_t>{1}));
  EXPECT_EQ(config->num_symbols, 256);
  EXPECT_EQ(config->num_speakers, 3);
  EXPECT_EQ(config->speaker_id_map.at("bob"), 2);
  EXPECT_EQ(config->dataset, "test");
  EXPECT_EQ(config->piper_version, "1.0.0");
  EXPECT_EQ(config->license, "CC0");
}

TEST(VoiceConfig, OptionalSectionsTakePipersDefaults) {
  json root = testing::MinimalConfig("de");
  for (const char* key : {"inference", "phoneme_type", "phoneme_map", "num_symbols",
                          "speaker_id_map", "language", "dataset", "piper_version"}) {
    root.erase(key);
  }
  root["audio"].erase("quality");
  auto config = ParseVoiceConfig(root, "de.onnx.json");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_DOUBLE_EQ(config->inference.noise_scale, 0.667);
  EXPECT_DOUBLE_EQ(config->inference.length_scale, 1.0);
  EXPECT_DOUBLE_EQ(config->inference.noise_w, 0.8);
  EXPECT_EQ(config->language.code, "de");  // from the espeak voice
  EXPECT_EQ(config->language.family, "de");
  EXPECT_FALSE(config->IsEnglish());
  EXPECT_EQ(config->num_symbols, 14);  // the largest id + 1
}

struct BadCase {
  std::string name;
  std::function<void(json&)> edit;
  std::string field;  // must appear in the message
};

TEST(VoiceConfig, BadFieldsAreErrorsNamingTheFileAndTheField) {
  const std::vector<BadCase> cases = {
      {"no audio", [](json& j) { j.erase("audio"); }, "audio"},
      {"no sample rate", [](json& j) { j["audio"].erase("sample_rate"); }, "audio.sample_rate"},
      {"rate as string", [](json& j) { j["audio"]["sample_rate"] = "22050"; }, "audio.sample_rate"},
      {"rate too low", [](json& j) { j["audio"]["sample_rate"] = 10; }, "audio.sample_rate"},
      {"no espeak voice", [](json& j) { j["espeak"].erase("voice"); }, "espeak.voice"},
      {"espeak not object", [](json& j) { j["espeak"] = "en-us"; }, "espeak"},
      {"no id map", [](json& j) { j.erase("phoneme_id_map"); }, "phoneme_id_map"},
      {"id map without pad", [](json& j) { j["phoneme_id_map"].erase("_"); },
       "phoneme_id_map[\"_\"]"},
      {"two code points", [](json& j) { j["phoneme_id_map"]["ab"] = {5}; },
       "phoneme_id_map[\"ab\"]"},
      {"id not a list", [](json& j) { j["phoneme_id_map"]["a"] = 5; }, "phoneme_id_map[\"a\"]"},
      {"negative id", [](json& j) { j["phoneme_id_map"]["a"] = {-1}; }, "phoneme_id_map[\"a\"]"},
      {"id over num_symbols", [](json& j) { j["num_symbols"] = 5; }, "num_symbols"},
      {"map value not one code point", [](json& j) { j["phoneme_map"]["c"] = {"ks"}; },
       "phoneme_map[\"c\"]"},
      {"map value not a list", [](json& j) { j["phoneme_map"]["c"] = "k"; }, "phoneme_map[\"c\"]"},
      {"no num_speakers", [](json& j) { j.erase("num_speakers"); }, "num_speakers"},
      {"num_speakers zero", [](json& j) { j["num_speakers"] = 0; }, "num_speakers"},
      {"speaker beyond count",
       [](json& j) {
         j["speaker_id_map"] = {{"a", 1}};
       },
       "speaker_id_map[\"a\"]"},
      {"noise scale string", [](json& j) { j["inference"]["noise_scale"] = "x"; },
       "inference.noise_scale"},
      {"length scale zero", [](json& j) { j["inference"]["length_scale"] = 0; },
       "inference.length_scale"},
      {"unknown phoneme type", [](json& j) { j["phoneme_type"] = "pinyin"; }, "phoneme_type"},
      {"dataset number", [](json& j) { j["dataset"] = 5; }, "dataset"},
      {"language not object", [](json& j) { j["language"] = "en"; }, "language"},
      // Found by piper_fuzz_voice_config: accepted with an empty language family.
      {"code without a language",
       [](json& j) {
         j["language"] = {{"code", "_US"}};
       },
       "language.code"},
      {"root array", [](json& j) { j = json::array(); }, "(root)"},
  };
  for (const BadCase& c : cases) {
    json root = testing::MinimalConfig();
    c.edit(root);
    auto config = ParseVoiceConfig(root, "/models/v.onnx.json");
    ASSERT_FALSE(config) << c.name;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_NE(config.error().message.find("/models/v.onnx.json"), std::string::npos) << c.name;
    EXPECT_NE(config.error().message.find(c.field), std::string::npos)
        << c.name << ": " << config.error().message;
  }
}

TEST(VoiceConfig, TextVoicesNeedNoEspeakVoice) {
  json root = testing::MinimalConfig();
  root["phoneme_type"] = "text";
  root.erase("espeak");
  auto config = ParseVoiceConfig(root, "t.onnx.json");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->phoneme_type, PhonemeType::kText);
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("piper_cfg_" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(VoiceConfig, LoadsTheFileAndTheLicenseFromItsModelCard) {
  TempDir dir;
  testing::WriteVoice(dir.path(), "en_US-test-medium", testing::MinimalConfig());
  std::ofstream(dir.path() / "MODEL_CARD")
      << "# Model card for test (medium)\n\n## Dataset\n\n* URL: https://example.org/\n"
         "* License: https://example.org/license.html\n";
  auto config = LoadVoiceConfig(dir.path() / "en_US-test-medium.onnx.json");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->license, "https://example.org/license.html");
  EXPECT_NE(config->model_card.find("Model card for test"), std::string::npos);

  // With a second voice in the directory, a bare MODEL_CARD is nobody's; NAME.MODEL_CARD is.
  testing::WriteVoice(dir.path(), "other", testing::MinimalConfig());
  config = LoadVoiceConfig(dir.path() / "other.onnx.json");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->license, "");
  std::ofstream(dir.path() / "other.MODEL_CARD") << "* License: CC-BY-4.0\n";
  config = LoadVoiceConfig(dir.path() / "other.onnx.json");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->license, "CC-BY-4.0");
}

TEST(VoiceConfig, MissingUnparsableAndOversizedFilesAreErrors) {
  TempDir dir;
  auto missing = LoadVoiceConfig(dir.path() / "none.onnx.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  std::ofstream(dir.path() / "bad.onnx.json") << "{\"audio\": ";
  auto bad = LoadVoiceConfig(dir.path() / "bad.onnx.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not valid JSON"), std::string::npos);

  {
    std::ofstream big(dir.path() / "big.onnx.json");
    big << "\"" << std::string(kMaxConfigBytes, 'x') << "\"";
  }
  auto big = LoadVoiceConfig(dir.path() / "big.onnx.json");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("limit"), std::string::npos);
}

}  // namespace
}  // namespace vox::piper

namespace vox::piper {
namespace {

// A config from the internet is untrusted input: mutated ones (bytes and
// values) must parse or fail with an error naming the file, never crash.
TEST(VoiceConfig, MutatedConfigsFailCleanly) {
  std::mt19937 rng(20261206);
  const std::string base = testing::MinimalConfig().dump();
  const std::vector<json> odd_values = {nullptr,
                                        -1,
                                        0,
                                        1e308,
                                        "x",
                                        "",
                                        json::array(),
                                        json::object(),
                                        true,
                                        json::array({"a", 1}),
                                        std::string(300, 'z')};
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    json root;
    if (i % 2 == 0) {
      std::string bytes = base;
      for (int m = 0; m < 1 + static_cast<int>(rng() % 4); ++m) {
        const std::size_t at = rng() % bytes.size();
        switch (rng() % 3) {
          case 0:
            bytes[at] = static_cast<char>(rng() % 256);
            break;
          case 1:
            bytes.erase(at, rng() % 16);
            break;
          default:
            bytes.insert(at, bytes.substr(rng() % bytes.size(), rng() % 16));
            break;
        }
        if (bytes.empty()) bytes = "{}";
      }
      root = json::parse(bytes, nullptr, false);
      if (root.is_discarded()) continue;
    } else {
      root = testing::MinimalConfig();
      // Replace a random member (two levels deep at most) by a value of another type.
      json* target = &root;
      for (int depth = 0; depth < 2 && target->is_object() && !target->empty(); ++depth) {
        auto it = target->begin();
        std::advance(it, rng() % target->size());
        target = &*it;
        if (rng() % 2 == 0) break;
      }
      *target = odd_values[rng() % odd_values.size()];
    }
    auto config = ParseVoiceConfig(root, "fuzz.onnx.json");
    if (config) {
      ++parsed;
      EXPECT_GE(config->sample_rate, 4000);
      EXPECT_GE(config->num_speakers, 1);
      EXPECT_TRUE(config->phoneme_id_map.contains(U'_'));
    } else {
      EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
      EXPECT_NE(config.error().message.find("fuzz.onnx.json"), std::string::npos);
    }
  }
  EXPECT_GT(parsed, 0);  // some mutations are harmless (the test reaches both branches)
}

}  // namespace
}  // namespace vox::piper
