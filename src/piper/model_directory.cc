#include "piper/model_directory.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

#include "piper/voice_id.h"

namespace vox::piper {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kModelSuffix = ".onnx";
constexpr std::string_view kConfigSuffix = ".onnx.json";

struct PairFiles {
  bool model = false;
  bool config = false;
};

// The speaker part of an id: its name when that can be an id, else its number.
std::string SpeakerKey(const std::string& name, int sid) {
  return IsValidSpeakerName(name) ? name : std::to_string(sid);
}

}  // namespace

std::string VoicePackage::voice_id() const { return MakeVoiceId(name); }

Result<ModelDirectory> ModelDirectory::Scan(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound(fmt::format("model directory '{}' does not exist", dir.string()), "models");
  }
  ModelDirectory result;
  result.dir_ = dir;
  std::map<std::string, PairFiles> pairs;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with('.') || !entry.is_regular_file(ec)) continue;  // hidden: temp files
    std::string name;
    bool config = false;
    if (file.ends_with(kConfigSuffix)) {
      name = file.substr(0, file.size() - kConfigSuffix.size());
      config = true;
    } else if (file.ends_with(kModelSuffix)) {
      name = file.substr(0, file.size() - kModelSuffix.size());
    } else {
      continue;
    }
    if (!IsValidModelName(name)) {
      result.problems_.push_back(
          {entry.path(),
           "ignored: a voice name holds only A-Z a-z 0-9 . _ - (not starting with .)"});
      continue;
    }
    (config ? pairs[name].config : pairs[name].model) = true;
  }
  if (ec) {
    return Unavailable(
        fmt::format("cannot read model directory '{}': {}", dir.string(), ec.message()));
  }
  for (const auto& [name, files] : pairs) {
    const fs::path model = dir / (name + std::string(kModelSuffix));
    const fs::path config = dir / (name + std::string(kConfigSuffix));
    if (!files.model || !files.config) {
      result.problems_.push_back(
          {files.model ? model : config,
           fmt::format("ignored: {} is missing",
                       files.model ? config.filename().string() : model.filename().string())});
      continue;
    }
    auto loaded = LoadVoiceConfig(config);
    if (!loaded) {
      result.problems_.push_back({config, loaded.error().message});
      continue;
    }
    auto package = std::make_shared<VoicePackage>();
    package->name = name;
    package->model_path = model;
    package->config_path = config;
    package->config = std::move(*loaded);
    result.packages_.push_back(std::move(package));
  }
  return result;
}

std::vector<PiperVoice> ModelDirectory::Voices() const {
  std::vector<PiperVoice> voices;
  for (const auto& package : packages_) {
    voices.push_back({package->voice_id(), package, 0, {}});
    if (package->config.num_speakers <= 1) continue;
    std::vector<std::pair<int, std::string>> speakers;
    for (const auto& [speaker, sid] : package->config.speaker_id_map) {
      speakers.push_back({sid, speaker});
    }
    if (speakers.empty()) {  // speakers without names: by number
      for (int sid = 0; sid < package->config.num_speakers; ++sid) speakers.push_back({sid, {}});
    }
    std::sort(speakers.begin(), speakers.end());
    for (const auto& [sid, speaker] : speakers) {
      voices.push_back(
          {MakeVoiceId(package->name, SpeakerKey(speaker, sid)), package, sid, speaker});
    }
  }
  return voices;
}

Result<PiperVoice> ModelDirectory::Resolve(std::string_view voice_id) const {
  VOX_ASSIGN_OR_RETURN(VoiceIdParts parts, ParseVoiceId(voice_id));
  auto it = std::find_if(packages_.begin(), packages_.end(),
                         [&](const auto& p) { return p->name == parts.name; });
  if (it == packages_.end()) {
    for (const ModelProblem& p : problems_) {
      const std::string file = p.path.filename().string();
      if (file == parts.name + std::string(kModelSuffix) ||
          file == parts.name + std::string(kConfigSuffix)) {
        return NotFound(fmt::format("Piper voice '{}' is not usable: {}", parts.name, p.message),
                        "voice");
      }
    }
    return NotFound(fmt::format("no Piper voice '{}' in '{}'", parts.name, dir_.string()), "voice");
  }
  const VoiceConfig& config = (*it)->config;
  PiperVoice voice{std::string(voice_id), *it, 0, {}};
  if (parts.speaker.empty()) return voice;
  if (auto named = config.speaker_id_map.find(parts.speaker);
      named != config.speaker_id_map.end()) {
    voice.speaker_id = named->second;
    voice.speaker = named->first;
    return voice;
  }
  int sid = -1;
  const char* end = parts.speaker.data() + parts.speaker.size();
  auto [ptr, error] = std::from_chars(parts.speaker.data(), end, sid);
  if (error == std::errc() && ptr == end && sid >= 0 && sid < config.num_speakers &&
      config.num_speakers > 1) {
    voice.speaker_id = sid;
    for (const auto& [speaker, id] : config.speaker_id_map) {
      if (id == sid) voice.speaker = speaker;
    }
    return voice;
  }
  return NotFound(
      fmt::format("Piper voice '{}' has no speaker '{}' ({} speaker{})", parts.name, parts.speaker,
                  config.num_speakers, config.num_speakers == 1 ? "" : "s"),
      "voice");
}

fs::path ModelDirFrom(const std::string& flag, const std::string& data_dir) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("VOX_MODEL_DIR"); env != nullptr && *env != '\0') return env;
  if (!data_dir.empty()) return fs::path(data_dir) / "models";
  return {};
}

PiperScales ScalesFor(const VoiceConfig& config, double speed) {
  const InferenceDefaults& d = config.inference;
  return {static_cast<float>(d.noise_scale), static_cast<float>(d.length_scale / speed),
          static_cast<float>(d.noise_w)};
}

}  // namespace vox::piper
