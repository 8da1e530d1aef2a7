// A voice's manifest: what the engine needs to load it and what clients see.
// This is the seed of the `models` table.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vox::engines {

struct VoiceInfo {
  std::string id;              // globally unique: "flite-slt", "espeak-de"
  std::string engine;          // "flite", "espeak-ng"
  std::string engine_version;  // "2.2", "1.51"
  std::string name;            // engine-internal voice name: "slt", "de"
  std::string language;        // BCP-47 default language: "en-US", "de"
  std::string gender;          // "female", "male" or "unknown"
  int sample_rate = 0;         // native output rate in Hz
  std::string description;

  nlohmann::json ToJson() const {
    return {{"id", id},         {"engine", engine},         {"engine_version", engine_version},
            {"name", name},     {"language", language},     {"gender", gender},
            {"sample_rate", sample_rate}, {"description", description}};
  }
};

}  // namespace vox::engines
