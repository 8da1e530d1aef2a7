// VoiceConfig: a Piper voice's `NAME.onnx.json`, typed and checked.
//
// Piper writes this file when it exports a voice (piper_train preprocess.py
// and export_onnx.py); its C++ runtime (src/cpp/piper.cpp) reads the same
// fields. Phonemes are single Unicode code points everywhere in it, as in
// Piper: a key or value that is not one code point is an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::piper {

struct LanguageInfo {
  std::string code;    // as in the config: "en_US" (or the espeak voice when absent)
  std::string family;  // "en"
  std::string region;  // "US"
  std::string name_native;
  std::string name_english;
  std::string country_english;

  std::string Bcp47() const;  // "en-US"
};

// The `inference` section: the defaults a synthesis starts from.
struct InferenceDefaults {
  double noise_scale = 0.667;
  double length_scale = 1.0;
  double noise_w = 0.8;
};

enum class PhonemeType { kEspeak, kText };

struct VoiceConfig {
  int sample_rate = 0;  // audio.sample_rate
  std::string quality;  // audio.quality: "x_low", "low", "medium", "high"; may be empty
  LanguageInfo language;
  std::string espeak_voice;  // espeak.voice: "en-us"; required for espeak phonemes
  InferenceDefaults inference;
  // inference.phoneme_silence: seconds of silence Piper adds after a phoneme.
  std::map<char32_t, double> phoneme_silence;
  PhonemeType phoneme_type = PhonemeType::kEspeak;
  std::map<char32_t, std::vector<char32_t>> phoneme_map;    // applied before ids
  std::map<char32_t, std::vector<int64_t>> phoneme_id_map;  // holds ^ _ $
  int num_symbols = 0;  // ids are below it (from the map when absent)
  int num_speakers = 1;
  std::map<std::string, int> speaker_id_map;  // name -> sid, each below num_speakers
  std::string dataset;
  std::string piper_version;
  // "version": the model version this package declares (Vox's, not Piper's);
  // a version folder (MODELS/NAME/VERSION/) overrides it. Empty: none.
  std::string version;
  std::string license;     // "license" in the config, else the model card's "License:" line
  std::string model_card;  // the MODEL_CARD text, when one is present

  // The voice speaks English: Vox's English normalization runs first.
  bool IsEnglish() const;
};

// Checks every field Vox uses. `source` names the file in messages. Errors:
// InvalidArgument, field "config", message naming the file and the JSON field
// ("audio.sample_rate is missing", "phoneme_id_map[\"ab\"]: not one code point").
Result<VoiceConfig> ParseVoiceConfig(const nlohmann::json& root, const std::string& source);

// Reads and parses `json_path` (at most kMaxConfigBytes), then the model card
// beside it, if any: `NAME.MODEL_CARD`, or `MODEL_CARD` in a directory that
// holds this voice only (the layout of the published voices). NotFound if the
// file is missing.
Result<VoiceConfig> LoadVoiceConfig(const std::filesystem::path& json_path);

// The "* License: …" line of a published voice's MODEL_CARD; empty if none.
std::string LicenseFromModelCard(const std::string& card);

inline constexpr std::uintmax_t kMaxConfigBytes = 4 << 20;

}  // namespace vox::piper
