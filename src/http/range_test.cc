#include "http/range.h"

#include <gtest/gtest.h>

namespace vox::http {
namespace {

struct Case {
  const char* header;
  uint64_t size;
  RangeKind kind;
  uint64_t first = 0;
  uint64_t last = 0;
};

TEST(http_range, Table) {
  const Case cases[] = {
      {"bytes=0-99", 1000, RangeKind::kSatisfiable, 0, 99},
      {"bytes=0-0", 1000, RangeKind::kSatisfiable, 0, 0},
      {"bytes=500-", 1000, RangeKind::kSatisfiable, 500, 999},
      {"bytes=-100", 1000, RangeKind::kSatisfiable, 900, 999},
      {"bytes=-5000", 1000, RangeKind::kSatisfiable, 0, 999},  // longer suffix: whole file
      {"bytes=900-5000", 1000, RangeKind::kSatisfiable, 900, 999},
      {"Bytes=1-2 ", 1000, RangeKind::kSatisfiable, 1, 2},
      {"bytes=1000-", 1000, RangeKind::kUnsatisfiable},
      {"bytes=2000-3000", 1000, RangeKind::kUnsatisfiable},
      {"bytes=-0", 1000, RangeKind::kUnsatisfiable},
      {"bytes=0-", 0, RangeKind::kUnsatisfiable},
      {"bytes=-1", 0, RangeKind::kUnsatisfiable},
      {"bytes=5-2", 1000, RangeKind::kNone},      // invalid: ignored
      {"bytes=0-1,5-6", 1000, RangeKind::kNone},  // multi-range: whole file
      {"items=0-1", 1000, RangeKind::kNone},
      {"bytes=abc", 1000, RangeKind::kNone},
      {"bytes=-", 1000, RangeKind::kNone},
      {"bytes=1", 1000, RangeKind::kNone},
      {"bytes=+1-2", 1000, RangeKind::kNone},
      {"bytes=99999999999999999999-", 1000, RangeKind::kNone},  // overflow
      {"", 1000, RangeKind::kNone},
  };
  for (const Case& c : cases) {
    RangeResult r = ParseRange(c.header, c.size);
    EXPECT_EQ(r.kind, c.kind) << c.header;
    if (c.kind == RangeKind::kSatisfiable && r.kind == c.kind) {
      EXPECT_EQ(r.range.first, c.first) << c.header;
      EXPECT_EQ(r.range.last, c.last) << c.header;
    }
  }
}

TEST(http_range, ContentRangeFormat) {
  EXPECT_EQ(ContentRange({10, 19}, 100), "bytes 10-19/100");
  EXPECT_EQ((ByteRange{10, 19}.length()), 10u);
}

}  // namespace
}  // namespace vox::http
