#include "cli/data_dir.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>

namespace vox::cli {

namespace fs = std::filesystem;

Status PrepareDataDir(const std::string& dir) {
  ::umask(077);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create " + dir + ": " + ec.message(), "VOX_DATA_DIR");
  const auto perms = fs::status(dir, ec).permissions();
  if (ec) return InvalidArgument("cannot read " + dir + ": " + ec.message(), "VOX_DATA_DIR");
  if ((perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
      spdlog::warn("data directory {} is readable by others and cannot be tightened: {}", dir,
                   ec.message());
    } else {
      spdlog::info("data directory {} made private (0700)", dir);
    }
  }
  return {};
}

int SweepJobTempFiles(const std::string& tmp_dir, std::chrono::seconds older_than) {
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  int removed = 0;
  for (fs::directory_iterator it(tmp_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    // "vox-<job>-…" is a job's output; ".vox-<job>-….tmp" the encoder's file behind it.
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("vox-") && !name.starts_with(".vox-")) continue;
    std::error_code entry_ec;
    if (!entry.is_regular_file(entry_ec)) continue;
    const auto written = entry.last_write_time(entry_ec);
    if (entry_ec || now - written < older_than) continue;
    if (fs::remove(entry.path(), entry_ec)) ++removed;
  }
  if (removed > 0)
    spdlog::info("removed {} temp file(s) left by stopped jobs in {}", removed, tmp_dir);
  return removed;
}

}  // namespace vox::cli
