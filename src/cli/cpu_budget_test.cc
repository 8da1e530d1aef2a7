// The default of VOX_NEURAL_THREADS: cores, quota and workers as a table, and
// cgroup quotas read from directories laid out like /sys/fs/cgroup.
#include "cli/cpu_budget.h"

#include <gtest/gtest.h>

#include <optional>

#include "common/testing/secret_file_fixture.h"

namespace vox::cli {
namespace {

namespace fs = std::filesystem;
constexpr std::optional<double> kNoQuota;

TEST(DefaultNeuralThreads, SharesTheAvailableCoresAmongTheWorkers) {
  struct Case {
    int cores;
    std::optional<double> quota;
    int workers;
    int threads;
  };
  for (const Case& c : std::vector<Case>{
           {8, kNoQuota, 1, 8},
           {8, kNoQuota, 2, 4},
           {8, kNoQuota, 3, 2},  // rounded down: never more threads than cores
           {8, kNoQuota, 8, 1},
           {8, kNoQuota, 32, 1},  // at least one each
           {64, 2.0, 1, 2},       // a container's quota on a large host
           {64, 2.0, 2, 1},
           {64, 2.5, 1, 2},  // a fractional core is not a core
           {64, 0.5, 4, 1},
           {4, 8.0, 1, 4},  // a quota above the cores does not add any
           {16, 12.0, 3, 4},
           {1, kNoQuota, 1, 1},
           {0, kNoQuota, 0, 1},       // nonsense in, still one thread
           {1024, kNoQuota, 1, 256},  // the engine's bound
       }) {
    EXPECT_EQ(DefaultNeuralThreads(c.cores, c.quota, c.workers), c.threads)
        << c.cores << " cores, quota " << c.quota.value_or(-1) << ", " << c.workers << " workers";
  }
}

TEST(ParseCgroupCpuMax, QuotaOverPeriodElseNone) {
  EXPECT_EQ(ParseCgroupCpuMax("200000 100000\n"), 2.0);
  EXPECT_EQ(ParseCgroupCpuMax("150000 100000"), 1.5);
  EXPECT_EQ(ParseCgroupCpuMax("50000 100000"), 0.5);
  for (const char* none :
       {"max 100000\n", "max", "", "\n", "200000", "200000 100000 7", "-1 100000", "0 100000",
        "200000 0", "2e5 100000", "200000x 100000", "abc def", "99999999999999999999999 100000"}) {
    EXPECT_EQ(ParseCgroupCpuMax(none), std::nullopt) << "'" << none << "'";
  }
}

class CgroupQuota : public vox::testing::SecretFileFixture {
 protected:
  // Writes ROOT/relative (directories made), like a cgroup file.
  void Put(const std::string& relative, const std::string& content) {
    fs::create_directories((fs::path(dir_) / relative).parent_path());
    Write(relative, content);
  }
  // The quota of a process whose /proc/self/cgroup reads `self`.
  std::optional<double> QuotaOf(const std::string& self) {
    Put("proc-self-cgroup", self);
    return CgroupCpuQuota(fs::path(dir_) / "root", fs::path(dir_) / "proc-self-cgroup");
  }
};

TEST_F(CgroupQuota, V2ContainerSeeingItsOwnCgroupAsTheRoot) {
  Put("root/cpu.max", "200000 100000\n");
  EXPECT_EQ(QuotaOf("0::/\n"), 2.0);
  Put("root/cpu.max", "max 100000\n");
  EXPECT_EQ(QuotaOf("0::/\n"), std::nullopt);
  Put("root/cpu.max", "two cores please\n");  // malformed: ignored, not one thread
  EXPECT_EQ(QuotaOf("0::/\n"), std::nullopt);
}

TEST_F(CgroupQuota, V2TheTightestLevelFromTheRootToTheProcessWins) {
  Put("root/system.slice/cpu.max", "400000 100000\n");
  Put("root/system.slice/vox.service/cpu.max", "max 100000\n");
  EXPECT_EQ(QuotaOf("0::/system.slice/vox.service\n"), 4.0);
  Put("root/system.slice/vox.service/cpu.max", "150000 100000\n");
  EXPECT_EQ(QuotaOf("0::/system.slice/vox.service\n"), 1.5);
  // A process elsewhere is not limited by that slice.
  EXPECT_EQ(QuotaOf("0::/user.slice\n"), std::nullopt);
  // A path that is not mounted here (the host's view of a container): the root still counts.
  Put("root/cpu.max", "300000 100000\n");
  EXPECT_EQ(QuotaOf("0::/docker/0123abcd\n"), 3.0);
}

TEST_F(CgroupQuota, V1QuotaOverPeriod) {
  Put("root/cpu/cpu.cfs_period_us", "100000\n");
  Put("root/cpu/cpu.cfs_quota_us", "-1\n");  // no quota
  const std::string v1 = "12:cpu,cpuacct:/\n11:memory:/\n";
  EXPECT_EQ(QuotaOf(v1), std::nullopt);
  Put("root/cpu/cpu.cfs_quota_us", "250000\n");
  EXPECT_EQ(QuotaOf(v1), 2.5);
}

TEST_F(CgroupQuota, NothingReadableIsNoQuota) {
  EXPECT_EQ(CgroupCpuQuota(fs::path(dir_) / "absent", fs::path(dir_) / "absent-too"), std::nullopt);
}

TEST(ProbeCpuBudget, ThisProcessHasAtLeastOneCoreAndNoMoreThanOnline) {
  const CpuBudget cpus = ProbeCpuBudget();
  EXPECT_GE(cpus.online, 1);
  EXPECT_GE(cpus.affinity, 1);  // Linux always answers sched_getaffinity for itself
  EXPECT_GE(cpus.available(), 1);
  EXPECT_LE(cpus.available(), cpus.online);
  EXPECT_NE(cpus.Describe().find(std::to_string(cpus.available()) + " available core"),
            std::string::npos)
      << cpus.Describe();
}

}  // namespace
}  // namespace vox::cli
