#include "engines/engines_config.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace vox::engines {
namespace {

// espeak-ng accepts the data directory itself or its parent.
bool HoldsEspeakData(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "phontab", ec) ||
         fs::is_regular_file(fs::path(dir) / "espeak-ng-data" / "phontab", ec);
}

}  // namespace

Status EnginesConfig::Validate() const {
  if (!flite && !espeak) {
    return InvalidArgument("no TTS engine enabled: enable flite, espeak or both", "engines");
  }
  if (espeak && !espeak_data_dir.empty() && !HoldsEspeakData(espeak_data_dir)) {
    return InvalidArgument(
        fmt::format("'{}' holds no espeak-ng data (no phontab in it or in its espeak-ng-data/)",
                    espeak_data_dir),
        "espeak_data_dir");
  }
  return {};
}

std::string EnginesConfig::ToString() const {
  return fmt::format("EnginesConfig{{flite={}, espeak={}, espeak_data_dir=\"{}\"}}", flite, espeak,
                     espeak_data_dir);
}

}  // namespace vox::engines
