// How many CPUs this process may really use, and the intra-op threads each
// neural synthesis gets by default. hardware_concurrency() counts the
// machine's cores; a container is usually allowed far fewer, by an affinity
// mask (docker --cpuset-cpus) or by a cgroup CPU quota (docker --cpus,
// Kubernetes limits.cpu), and LibTorch's own default sees neither: eight
// workers each running 64 intra-op threads on 2 allowed cores thrash.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vox::cli {

// Cores usable by `cores` CPUs under a quota of `quota_cores` (none: no
// quota): the fewer of the two, a fractional quota rounded down, at least 1.
int AvailableCores(int cores, std::optional<double> quota_cores);

// VOX_NEURAL_THREADS's default: the available cores shared by the `workers`
// syntheses that run at once, at least 1 each (and at most 256, the engine's
// limit). Oversubscribing cores slows every synthesis down.
int DefaultNeuralThreads(int cores, std::optional<double> quota_cores, int workers);

// A cgroup v2 `cpu.max` ("QUOTA PERIOD" in microseconds) as cores:
// "200000 100000" is 2.0; "max 100000" (no quota) and anything malformed are
// none (a quota we cannot read must not shrink the process to one thread).
std::optional<double> ParseCgroupCpuMax(std::string_view text);

// The tightest CPU quota on the process's cgroup and its ancestors: the v2
// path named by `self_cgroup` (/proc/self/cgroup's "0::/PATH" line) under
// `root`, each level's cpu.max; else cgroup v1's root/cpu/cpu.cfs_quota_us
// over cpu.cfs_period_us. None when no level sets one or nothing is readable.
std::optional<double> CgroupCpuQuota(
    const std::filesystem::path& root = "/sys/fs/cgroup",
    const std::filesystem::path& self_cgroup = "/proc/self/cgroup");

// What this process is allowed, read once at start-up.
struct CpuBudget {
  int online = 1;                // std::thread::hardware_concurrency()
  int affinity = 0;              // CPUs in sched_getaffinity's mask; 0: unknown
  std::optional<double> quota;   // cgroup CPU quota in cores; none: unlimited
  int cores() const;             // online, or the affinity mask when it is smaller
  int available() const;         // AvailableCores(cores(), quota)
  std::string Describe() const;  // for the start-up log: where available() comes from
};
CpuBudget ProbeCpuBudget();

}  // namespace vox::cli
