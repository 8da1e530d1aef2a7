#include "common/uuid.h"

#include <gtest/gtest.h>

#include <set>

#include "common/clock.h"

namespace vox {
namespace {

TEST(UuidTest, IsCanonicalVersion4) {
  std::string id = NewUuid();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_TRUE(IsUuid(id)) << id;
  EXPECT_EQ(id[14], '4') << id;                                          // version nibble
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // variant
  for (char c : id) EXPECT_FALSE(c >= 'A' && c <= 'F') << "lowercase expected: " << id;
}

TEST(UuidTest, ThousandsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(NewUuid());
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(UuidTest, RejectsMalformed) {
  EXPECT_TRUE(IsUuid("2F1C9A4E-7B3D-4C2A-9E8F-0A1B2C3D4E5F"));
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("2f1c9a4e7b3d4c2a9e8f0a1b2c3d4e5f"));
  EXPECT_FALSE(IsUuid("2f1c9a4e-7b3d-4c2a-9e8f-0a1b2c3d4e5g"));
  EXPECT_FALSE(IsUuid("2f1c9a4e-7b3d-4c2a-9e8f0-a1b2c3d4e5f"));
  EXPECT_FALSE(IsUuid("../../../etc/passwd-aaaaaaaaaaaaaaaa"));
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowMs(), 1000);
  clock.Advance(250);
  EXPECT_EQ(clock.NowMs(), 1250);
  clock.Set(5);
  EXPECT_EQ(clock.NowMs(), 5);
}

TEST(ClockTest, SystemClockIsEpochMilliseconds) {
  int64_t now = Clock::System().NowMs();
  EXPECT_GT(now, 1'600'000'000'000);  // after 2020
  EXPECT_LT(now, 4'000'000'000'000);  // and in milliseconds, not microseconds
  EXPECT_LE(now, NowMs());
}

}  // namespace
}  // namespace vox
