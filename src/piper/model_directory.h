// ModelDirectory: the Piper voices in one directory (VOX_MODEL_DIR,
// `--models DIR`; DATA/models for the servers).
//
// A voice is the pair NAME.onnx + NAME.onnx.json; it is listed as
// "piper-NAME" and each speaker of a multi-speaker voice also as
// "piper-NAME:SPEAKER". Versions of a voice live in DIR/NAME/VERSION/ (the
// same pair inside), or declare a "version" in their .onnx.json; each
// versioned package is also listed pinned, as "<id>@VERSION", and the plain
// ids speak the default package of NAME: the unversioned pair in DIR when
// there is one, else the highest version (dot-separated numbers compare as
// numbers). Which version a job gets is the rollout's business (src/rollout),
// which asks for pinned ids. A scan is a snapshot: immutable afterwards, so any
// number of threads may list and resolve; a reload is a new scan. A half pair
// or a broken config is reported in problems() (for the caller to log or
// print) without hiding the other voices.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "piper/voice_config.h"

namespace vox::piper {

struct VoicePackage {
  std::string name;                   // NAME
  std::filesystem::path model_path;   // DIR/NAME.onnx
  std::filesystem::path config_path;  // DIR/NAME.onnx.json
  VoiceConfig config;
  std::string version;      // the folder's VERSION, else config.version; empty: none
  bool is_default = false;  // speaks NAME's plain ids

  std::string voice_id() const;  // "piper-NAME"
};

// A file the scan could not offer, and why.
struct ModelProblem {
  std::filesystem::path path;
  std::string message;
};

// One voice id and what it selects. Packages are shared between the snapshot
// and whoever resolved a voice from it, so a reload never pulls a package
// from under a running synthesis.
struct PiperVoice {
  std::string id;  // "piper-NAME" or "piper-NAME:SPEAKER"
  std::shared_ptr<const VoicePackage> package;
  int speaker_id = 0;   // the `sid` input; 0 for single-speaker voices
  std::string speaker;  // name from speaker_id_map; empty for the package's default
  bool pinned = false;  // id ends with "@" + package->version
};

// Orders versions: dot-separated parts compare as numbers when both are
// numbers ("2" < "10"), else as text.
bool VersionLess(const std::string& a, const std::string& b);

class ModelDirectory {
 public:
  // Reads every pair in `dir` and in its version folders DIR/NAME/VERSION/
  // (no deeper). NotFound (field "models") if
  // `dir` is not a directory.
  static Result<ModelDirectory> Scan(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  const std::vector<std::shared_ptr<const VoicePackage>>& packages() const { return packages_; }
  const std::vector<ModelProblem>& problems() const { return problems_; }

  // Every voice id, by package name then version: the package, then its
  // speakers in speaker id order (by number when the voice names none, or
  // when a name cannot be an id); the default package's plain ids, then each
  // versioned package's pinned ids.
  std::vector<PiperVoice> Voices() const;

  // "piper-NAME[:SPEAKER]" to its default package and speaker, or a pinned id
  // as Voices() lists it. InvalidArgument for a malformed id (path characters
  // included), NotFound (field "voice") for an unknown package or speaker.
  Result<PiperVoice> Resolve(std::string_view voice_id) const;

 private:
  std::filesystem::path dir_;
  std::vector<std::shared_ptr<const VoicePackage>> packages_;  // by name, then version
  std::vector<ModelProblem> problems_;
};

// The model directory: `flag` if given, else $VOX_MODEL_DIR, else
// `data_dir`/models (empty when there is no data directory either).
std::filesystem::path ModelDirFrom(const std::string& flag, const std::string& data_dir);

// Piper's scales for one request: the voice's inference defaults, with
// `speed` applied to length_scale (speed 2 halves it: twice as fast).
struct PiperScales {
  float noise_scale = 0;
  float length_scale = 0;
  float noise_w = 0;
};
PiperScales ScalesFor(const VoiceConfig& config, double speed);

// Silence Piper puts between sentences (its sentence_silence default).
inline constexpr double kSentenceSilenceSeconds = 0.2;

}  // namespace vox::piper
