// A voice's manifest: what the engine needs to load it and what clients see.
// This is the seed of the `models` table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

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
  // The model version when the voice's package declares one (Piper version
  // folders); empty: the engine's version stands for it (built-in voices).
  std::string version;

  // What jobs record and the `models` table lists as this voice's version.
  const std::string& Version() const { return version.empty() ? engine_version : version; }
  // A voice pinned to one version of a versioned package has the id
  // "<voice id>@<version>"; the plain id speaks the package's default version.
  bool pinned() const { return !version.empty() && id.ends_with("@" + version); }
  std::string base_id() const {
    return pinned() ? id.substr(0, id.size() - version.size() - 1) : id;
  }

  nlohmann::json ToJson() const {
    return {{"id", id},
            {"engine", engine},
            {"engine_version", engine_version},
            {"name", name},
            {"language", language},
            {"gender", gender},
            {"sample_rate", sample_rate},
            {"description", description}};
  }
};

}  // namespace vox::engines
