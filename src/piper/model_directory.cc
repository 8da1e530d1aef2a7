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

namespace {

using Packages = std::vector<std::shared_ptr<VoicePackage>>;

// The pairs (by name) of one folder; its subfolders that can be voice names
// go to `subdirs` when given. Unusable files go to `problems`.
Result<std::map<std::string, PairFiles>> ReadPairs(const fs::path& folder,
                                                   std::vector<fs::path>* subdirs,
                                                   std::vector<ModelProblem>& problems) {
  std::error_code ec;
  std::map<std::string, PairFiles> pairs;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with('.')) continue;  // hidden: temp files
    if (entry.is_directory(ec)) {
      if (subdirs != nullptr && IsValidModelName(file)) subdirs->push_back(entry.path());
      continue;
    }
    if (!entry.is_regular_file(ec)) continue;
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
      problems.push_back(
          {entry.path(),
           "ignored: a voice name holds only A-Z a-z 0-9 . _ - (not starting with .)"});
      continue;
    }
    (config ? pairs[name].config : pairs[name].model) = true;
  }
  if (ec) {
    return Unavailable(
        fmt::format("cannot read model directory '{}': {}", folder.string(), ec.message()));
  }
  return pairs;
}

// The package of pair `name` in `folder`, or nullptr with a problem noted.
std::shared_ptr<VoicePackage> LoadPackage(const fs::path& folder, const std::string& name,
                                          const PairFiles& files, const std::string& version,
                                          std::vector<ModelProblem>& problems) {
  const fs::path model = folder / (name + std::string(kModelSuffix));
  const fs::path config = folder / (name + std::string(kConfigSuffix));
  if (!files.model || !files.config) {
    problems.push_back(
        {files.model ? model : config,
         fmt::format("ignored: {} is missing",
                     files.model ? config.filename().string() : model.filename().string())});
    return nullptr;
  }
  auto loaded = LoadVoiceConfig(config);
  if (!loaded) {
    problems.push_back({config, loaded.error().message});
    return nullptr;
  }
  auto package = std::make_shared<VoicePackage>();
  package->name = name;
  package->model_path = model;
  package->config_path = config;
  package->config = std::move(*loaded);
  package->version = version.empty() ? package->config.version : version;
  return package;
}

// DIR/NAME/VERSION/NAME.onnx(.json): the versions of NAME.
void ScanVersions(const fs::path& name_dir, Packages& out, std::vector<ModelProblem>& problems) {
  const std::string name = name_dir.filename().string();
  std::vector<fs::path> versions;
  auto loose = ReadPairs(name_dir, &versions, problems);
  if (!loose) {
    problems.push_back({name_dir, loose.error().message});
    return;
  }
  for (const auto& [pair, files] : *loose) {
    problems.push_back({name_dir / pair,
                        "ignored: a voice's versions go in folders, "
                        "NAME/VERSION/NAME.onnx"});
  }
  for (const fs::path& folder : versions) {
    auto pairs = ReadPairs(folder, nullptr, problems);
    if (!pairs) {
      problems.push_back({folder, pairs.error().message});
      continue;
    }
    for (const auto& [pair, files] : *pairs) {
      if (pair != name) {
        problems.push_back({folder / pair, fmt::format("ignored: a version folder of {} holds "
                                                       "{}.onnx and {}.onnx.json only",
                                                       name, name, name)});
        continue;
      }
      auto package = LoadPackage(folder, name, files, folder.filename().string(), problems);
      if (package) out.push_back(std::move(package));
    }
  }
}

// Sorts by name then version (unversioned first), drops a second package of
// the same name and version, and marks each name's default package.
std::vector<std::shared_ptr<const VoicePackage>> Finish(Packages all,
                                                        std::vector<ModelProblem>& problems) {
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a->name != b->name) return a->name < b->name;
    return VersionLess(a->version, b->version);
  });
  Packages kept;
  for (auto& package : all) {
    if (!kept.empty() && kept.back()->name == package->name &&
        kept.back()->version == package->version) {
      problems.push_back({package->model_path,
                          fmt::format("ignored: version '{}' of {} is also in {}", package->version,
                                      package->name, kept.back()->model_path.string())});
      continue;
    }
    kept.push_back(std::move(package));
  }
  std::vector<std::shared_ptr<const VoicePackage>> out;
  for (size_t first = 0, last = 0; first < kept.size(); first = last) {
    while (last < kept.size() && kept[last]->name == kept[first]->name) ++last;
    // The unversioned pair sorts first and wins; otherwise the highest version.
    (kept[first]->version.empty() ? kept[first] : kept[last - 1])->is_default = true;
    out.insert(out.end(), kept.begin() + first, kept.begin() + last);
  }
  return out;
}

}  // namespace

bool VersionLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const size_t ie = std::min(a.find('.', i), a.size());
    const size_t je = std::min(b.find('.', j), b.size());
    const std::string_view pa(a.data() + i, ie - i), pb(b.data() + j, je - j);
    uint64_t na = 0, nb = 0;
    const bool numeric =
        std::from_chars(pa.data(), pa.data() + pa.size(), na).ptr == pa.data() + pa.size() &&
        std::from_chars(pb.data(), pb.data() + pb.size(), nb).ptr == pb.data() + pb.size() &&
        !pa.empty() && !pb.empty();
    if (numeric ? na != nb : pa != pb) return numeric ? na < nb : pa < pb;
    i = ie + 1;
    j = je + 1;
  }
  return a.size() - std::min(i, a.size()) < b.size() - std::min(j, b.size());
}

Result<ModelDirectory> ModelDirectory::Scan(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound(fmt::format("model directory '{}' does not exist", dir.string()), "models");
  }
  ModelDirectory result;
  result.dir_ = dir;
  std::vector<fs::path> name_dirs;
  VOX_ASSIGN_OR_RETURN(auto pairs, ReadPairs(dir, &name_dirs, result.problems_));
  Packages all;
  for (const auto& [name, files] : pairs) {
    if (auto package = LoadPackage(dir, name, files, "", result.problems_)) {
      all.push_back(std::move(package));
    }
  }
  std::sort(name_dirs.begin(), name_dirs.end());
  for (const fs::path& name_dir : name_dirs) ScanVersions(name_dir, all, result.problems_);
  result.packages_ = Finish(std::move(all), result.problems_);
  return result;
}

std::vector<PiperVoice> ModelDirectory::Voices() const {
  std::vector<PiperVoice> voices;
  for (const auto& package : packages_) {
    // The default package's plain ids, then (versioned packages) the pinned ones.
    for (const bool pinned : {false, true}) {
      if (pinned ? package->version.empty() : !package->is_default) continue;
      const std::string pin = pinned ? "@" + package->version : "";
      voices.push_back({package->voice_id() + pin, package, 0, {}, pinned});
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
        voices.push_back({MakeVoiceId(package->name, SpeakerKey(speaker, sid)) + pin, package, sid,
                          speaker, pinned});
      }
    }
  }
  return voices;
}

Result<PiperVoice> ModelDirectory::Resolve(std::string_view voice_id) const {
  if (voice_id.find('@') != std::string_view::npos) {  // pinned: exactly as listed
    for (PiperVoice& v : Voices()) {
      if (v.pinned && v.id == voice_id) return std::move(v);
    }
  }
  VOX_ASSIGN_OR_RETURN(VoiceIdParts parts, ParseVoiceId(voice_id));
  auto it = std::find_if(packages_.begin(), packages_.end(),
                         [&](const auto& p) { return p->name == parts.name && p->is_default; });
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
