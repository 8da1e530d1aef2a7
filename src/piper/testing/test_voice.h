// Hand-written Piper voice configs for tests: a valid config with a small
// hand-made phoneme_id_map, and a directory of voice packages whose .onnx is
// a dummy (nothing here loads the graph).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace vox::piper::testing {

// A config that ParseVoiceConfig accepts (language en_US, 22050 Hz) whose
// phoneme_id_map holds only ^=1 _=0 $=2, space=3 and the punctuation Piper
// keeps; AddSymbols() extends it.
inline nlohmann::json MinimalConfig(const std::string& espeak_voice = "en-us") {
  nlohmann::json ids = {{"_", {0}}, {"^", {1}},  {"$", {2}},  {" ", {3}},  {"!", {4}},
                        {",", {8}}, {".", {10}}, {":", {11}}, {";", {12}}, {"?", {13}}};
  return {{"audio", {{"sample_rate", 22050}, {"quality", "medium"}}},
          {"espeak", {{"voice", espeak_voice}}},
          {"inference", {{"noise_scale", 0.667}, {"length_scale", 1}, {"noise_w", 0.8}}},
          {"phoneme_type", "espeak"},
          {"phoneme_map", nlohmann::json::object()},
          {"phoneme_id_map", ids},
          {"num_symbols", 256},
          {"num_speakers", 1},
          {"speaker_id_map", nlohmann::json::object()},
          {"piper_version", "1.0.0"},
          {"dataset", "test"},
          {"language",
           {{"code", "en_US"},
            {"family", "en"},
            {"region", "US"},
            {"name_native", "English"},
            {"name_english", "English"},
            {"country_english", "United States"}}}};
}

// Adds every code point of `symbols` to the config's phoneme_id_map with ids
// counting up from `first_id`.
inline void AddSymbols(nlohmann::json& config, const std::u32string& symbols, int first_id) {
  for (char32_t c : symbols) {
    std::string key;
    if (c < 0x80) {
      key.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      key.push_back(static_cast<char>(0xC0 | (c >> 6)));
      key.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      key.push_back(static_cast<char>(0xE0 | (c >> 12)));
      key.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      key.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    if (!config["phoneme_id_map"].contains(key)) config["phoneme_id_map"][key] = {first_id++};
  }
}

// Writes DIR/NAME.onnx (a few dummy bytes) and DIR/NAME.onnx.json.
inline void WriteVoice(const std::filesystem::path& dir, const std::string& name,
                       const nlohmann::json& config) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (name + ".onnx"), std::ios::binary) << "not a real graph";
  std::ofstream(dir / (name + ".onnx.json"), std::ios::binary) << config.dump(2);
}

}  // namespace vox::piper::testing
