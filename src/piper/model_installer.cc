#include "piper/model_installer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <vector>

#include "common/crypto.h"
#include "piper/model_fetch.h"
#include "piper/voice_id.h"

namespace vox::piper {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxSidecarBytes = 64 << 10;

// Where a package's files come from: a path or URL, split around the .onnx
// name so that siblings (NAME.onnx.json, NAME.onnx.sha256, MODEL_CARD) can
// be named, query strings of URLs kept.
struct SourceNames {
  std::string prefix;  // everything before NAME
  std::string name;
  std::string query;  // "?download=true" or ""

  std::string Sibling(const std::string& file) const { return prefix + file + query; }
};

Result<SourceNames> ParseSource(std::string source) {
  SourceNames names;
  if (IsUrl(source)) {
    const std::size_t q = source.find_first_of("?#");
    if (q != std::string::npos) {
      names.query = source.substr(q);
      source.resize(q);
    }
  }
  if (source.ends_with(".onnx.json")) source.resize(source.size() - 5);
  if (!source.ends_with(".onnx")) {
    return InvalidArgument(fmt::format("'{}' is not a NAME.onnx file or URL", source), "source");
  }
  const std::size_t slash = source.rfind('/');
  names.prefix = slash == std::string::npos ? "" : source.substr(0, slash + 1);
  names.name = source.substr(names.prefix.size(), source.size() - names.prefix.size() - 5);
  if (!IsValidModelName(names.name)) {
    return InvalidArgument(fmt::format("'{}' cannot be a voice name: use only A-Z a-z 0-9 . _ - "
                                       "(not starting with .)",
                                       names.name),
                           "source");
  }
  return names;
}

Result<std::string> ExpectedSha256(const InstallOptions& options, const SourceNames& names) {
  std::string hex = options.sha256;
  if (hex.empty()) {
    auto sidecar = FetchSmallText(names.Sibling(names.name + ".onnx.sha256"), kMaxSidecarBytes);
    if (!sidecar) {
      if (sidecar.error().code != ErrorCode::kNotFound) return std::unexpected(sidecar.error());
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("no sha256 for {0}.onnx: give --sha256 HEX or put "
                                   "{0}.onnx.sha256 beside it",
                                   names.name),
                       "sha256");
    }
    hex = sidecar->substr(0, sidecar->find_first_of(" \t\r\n"));
  }
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return InvalidArgument("a sha256 is 64 hexadecimal digits", "sha256");
  }
  return hex;
}

// Temporary files that go away unless the install commits them.
class Staging {
 public:
  explicit Staging(fs::path dir) : dir_(std::move(dir)), token_(RandomToken(10)) {}
  ~Staging() {
    std::error_code ec;
    for (const fs::path& p : paths_) fs::remove(p, ec);
  }
  fs::path Add(const std::string& file) {
    paths_.push_back(dir_ / fmt::format(".{}.part-{}", file, token_));  // hidden: scans skip it
    return paths_.back();
  }
  // A renamed file is the target's now: on failure it is removed as well.
  void Renamed(const fs::path& from, const fs::path& to) {
    for (fs::path& p : paths_) {
      if (p == from) p = to;
    }
  }
  void Commit() { paths_.clear(); }

 private:
  fs::path dir_;
  std::string token_;
  std::vector<fs::path> paths_;
};

Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Unavailable("cannot open " + dir.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Unavailable("cannot sync " + dir.string());
  return {};
}

Status Rename(Staging& staging, const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return Unavailable(fmt::format("cannot install {}: {}", to.string(), ec.message()));
  staging.Renamed(from, to);
  return {};
}

Result<VoiceConfig> ReadConfig(const fs::path& path, const std::string& source) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json root = nlohmann::json::parse(bytes, nullptr, false);
  if (root.is_discarded()) {
    return InvalidArgument(fmt::format("voice config '{}' is not valid JSON", source), "source");
  }
  auto config = ParseVoiceConfig(root, source);
  if (!config) return InvalidArgument(config.error().message, "source");
  return config;
}

// The model card beside the source, if any: NAME.MODEL_CARD, else MODEL_CARD.
Status FetchModelCard(const SourceNames& names, const fs::path& target, VoiceConfig& config) {
  for (const std::string& file : {names.name + ".MODEL_CARD", std::string("MODEL_CARD")}) {
    auto fetched = FetchFile(names.Sibling(file), target, kMaxConfigBytes);
    if (!fetched) {
      if (fetched.error().code == ErrorCode::kNotFound) continue;
      return std::unexpected(fetched.error());
    }
    std::ifstream in(target, std::ios::binary);
    config.model_card.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (config.license.empty()) config.license = LicenseFromModelCard(config.model_card);
    return {};
  }
  std::error_code ec;
  fs::remove(target, ec);
  return {};
}

}  // namespace

Result<InstalledVoice> InstallVoice(const fs::path& models_dir, const std::string& source,
                                    const InstallOptions& options) {
  VOX_ASSIGN_OR_RETURN(SourceNames names, ParseSource(source));
  VOX_ASSIGN_OR_RETURN(std::string expected, ExpectedSha256(options, names));
  std::error_code ec;
  fs::create_directories(models_dir, ec);
  if (!fs::is_directory(models_dir, ec)) {
    return InvalidArgument(fmt::format("cannot create model directory '{}'", models_dir.string()),
                           "models");
  }
  const fs::path model = models_dir / (names.name + ".onnx");
  const fs::path config_path = models_dir / (names.name + ".onnx.json");
  const fs::path card = models_dir / (names.name + ".MODEL_CARD");
  if (!options.replace && (fs::exists(model, ec) || fs::exists(config_path, ec))) {
    return MakeError(
        ErrorCode::kAlreadyExists,
        fmt::format("voice '{}' is installed already (remove it first, or replace it)", names.name),
        "source");
  }

  Staging staging(models_dir);
  const fs::path staged_model = staging.Add(names.name + ".onnx");
  const fs::path staged_config = staging.Add(names.name + ".onnx.json");
  const fs::path staged_card = staging.Add(names.name + ".MODEL_CARD");
  VOX_ASSIGN_OR_RETURN(FetchedFile fetched, FetchFile(names.Sibling(names.name + ".onnx"),
                                                      staged_model, options.max_bytes));
  if (fetched.sha256 != expected) {
    return InvalidArgument(
        fmt::format("{}.onnx has sha256 {}, expected {}", names.name, fetched.sha256, expected),
        "sha256");
  }
  const std::string config_source = names.Sibling(names.name + ".onnx.json");
  auto fetched_config = FetchFile(config_source, staged_config, kMaxConfigBytes);
  if (!fetched_config) {
    if (fetched_config.error().code != ErrorCode::kNotFound) {
      return std::unexpected(fetched_config.error());
    }
    return NotFound(fmt::format("{}.onnx.json must sit beside {}.onnx", names.name, names.name),
                    "source");
  }
  VOX_ASSIGN_OR_RETURN(VoiceConfig config, ReadConfig(staged_config, config_source));
  VOX_RETURN_IF_ERROR(FetchModelCard(names, staged_card, config));
  if (options.validate_graph) VOX_RETURN_IF_ERROR(options.validate_graph(staged_model, config));

  // Config out first, config in last: a reader sees the old voice, no voice,
  // or the new one, never a model beside another model's config.
  if (fs::exists(config_path, ec)) {
    fs::remove(config_path, ec);
    VOX_RETURN_IF_ERROR(SyncDirectory(models_dir));
  }
  VOX_RETURN_IF_ERROR(Rename(staging, staged_model, model));
  if (fs::exists(staged_card, ec)) {
    VOX_RETURN_IF_ERROR(Rename(staging, staged_card, card));
  } else {
    fs::remove(card, ec);  // a replaced voice's old card describes another model
  }
  VOX_RETURN_IF_ERROR(Rename(staging, staged_config, config_path));
  VOX_RETURN_IF_ERROR(SyncDirectory(models_dir));
  staging.Commit();
  return InstalledVoice{names.name, model, std::move(config), fetched.sha256};
}

Status RemoveVoice(const fs::path& models_dir, const std::string& name) {
  if (!IsValidModelName(name)) {
    return InvalidArgument(
        fmt::format("'{}' is not a voice name (A-Z a-z 0-9 . _ -, not starting with .)", name),
        "name");
  }
  const fs::path config = models_dir / (name + ".onnx.json");
  const fs::path model = models_dir / (name + ".onnx");
  std::error_code ec;
  if (!fs::exists(config, ec) && !fs::exists(model, ec)) {
    return NotFound(fmt::format("no voice '{}' in '{}'", name, models_dir.string()), "name");
  }
  for (const fs::path& file : {config, model, models_dir / (name + ".MODEL_CARD")}) {
    fs::remove(file, ec);
    if (ec) return Unavailable(fmt::format("cannot remove {}: {}", file.string(), ec.message()));
  }
  return SyncDirectory(models_dir);
}

}  // namespace vox::piper
