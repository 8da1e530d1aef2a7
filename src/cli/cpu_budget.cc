#include "cli/cpu_budget.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace vox::cli {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxNeuralThreads = 256;  // PiperEngineConfig::Validate's bound

std::optional<std::string> ReadSmallFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int64_t> ParsePositive(std::string_view token) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || value <= 0) return std::nullopt;
  return value;
}

// The v2 path of "0::/PATH" in /proc/self/cgroup's text; empty when the
// process is not in a v2 hierarchy.
std::string UnifiedCgroupPath(const std::string& self_cgroup) {
  std::istringstream lines(self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("0::")) return line.substr(3);
  }
  return {};
}

std::optional<double> Tighter(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

int AvailableCores(int cores, std::optional<double> quota_cores) {
  int available = std::max(1, cores);
  if (quota_cores) available = std::min(available, static_cast<int>(std::floor(*quota_cores)));
  return std::max(1, available);
}

int DefaultNeuralThreads(int cores, std::optional<double> quota_cores, int workers) {
  const int threads = AvailableCores(cores, quota_cores) / std::max(1, workers);
  return std::clamp(threads, 1, kMaxNeuralThreads);
}

std::optional<double> ParseCgroupCpuMax(std::string_view text) {
  std::istringstream fields{std::string(text)};
  std::string quota, period, extra;
  if (!(fields >> quota >> period) || (fields >> extra)) return std::nullopt;
  const auto q = ParsePositive(quota);  // "max" (no quota) fails here too
  const auto p = ParsePositive(period);
  if (!q || !p) return std::nullopt;
  return static_cast<double>(*q) / static_cast<double>(*p);
}

std::optional<double> CgroupCpuQuota(const fs::path& root, const fs::path& self_cgroup) {
  std::optional<double> tightest;
  const std::string path = UnifiedCgroupPath(ReadSmallFile(self_cgroup).value_or(""));
  if (!path.empty()) {
    // Every level from the root down to the process's own cgroup may limit it.
    // A level that is not there (a container seeing its own cgroup as the
    // root) is skipped: the root still counts.
    fs::path dir = root;
    std::vector<fs::path> levels = {dir};
    for (const auto& part : fs::path(path).relative_path()) {
      if (part == ".." || part == "." || part.empty()) continue;
      dir /= part;
      levels.push_back(dir);
    }
    for (const auto& level : levels) {
      if (auto text = ReadSmallFile(level / "cpu.max")) {
        tightest = Tighter(tightest, ParseCgroupCpuMax(*text));
      }
    }
    return tightest;
  }
  // cgroup v1: a quota of -1 is none, which ParseCgroupCpuMax refuses as well.
  const auto quota = ReadSmallFile(root / "cpu" / "cpu.cfs_quota_us");
  const auto period = ReadSmallFile(root / "cpu" / "cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  return ParseCgroupCpuMax(*quota + " " + *period);
}

int CpuBudget::cores() const {
  const int machine = std::max(1, online);
  return affinity > 0 ? std::min(machine, affinity) : machine;
}

int CpuBudget::available() const { return AvailableCores(cores(), quota); }

std::string CpuBudget::Describe() const {
  std::string text = fmt::format("{} available core(s): {} online", available(), online);
  if (affinity > 0) text += fmt::format(", {} in the affinity mask", affinity);
  text += quota ? fmt::format(", cgroup quota {:.2f} cores", *quota) : ", no cgroup quota";
  return text;
}

CpuBudget ProbeCpuBudget() {
  CpuBudget budget;
  budget.online = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) budget.affinity = CPU_COUNT(&set);
  budget.quota = CgroupCpuQuota();
  return budget;
}

}  // namespace vox::cli
