#include "store/job_status.h"

#include <gtest/gtest.h>

#include "store/types.h"

namespace vox::store {
namespace {

TEST(JobStatusTest, NamesRoundTrip) {
  for (JobStatus s : kAllJobStatuses) {
    auto parsed = ParseJobStatus(JobStatusName(s));
    ASSERT_TRUE(parsed) << JobStatusName(s);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(JobStatusName(JobStatus::kPreprocessing), "preprocessing");
}

TEST(JobStatusTest, RejectsUnknownNames) {
  for (const char* bad : {"", "Queued", "done ", "running", "cancelled"}) {
    auto parsed = ParseJobStatus(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().field, "");  // the store names no API field
  }
}

TEST(JobStatusTest, TerminalAndRunningPartitionTheLifecycle) {
  int terminal = 0, running = 0;
  for (JobStatus s : kAllJobStatuses) {
    EXPECT_FALSE(IsTerminal(s) && IsRunning(s)) << JobStatusName(s);
    terminal += IsTerminal(s);
    running += IsRunning(s);
  }
  EXPECT_EQ(terminal, 3);
  EXPECT_EQ(running, 5);
  EXPECT_FALSE(IsTerminal(JobStatus::kQueued) || IsRunning(JobStatus::kQueued));
  EXPECT_FALSE(IsTerminal(JobStatus::kReceived) || IsRunning(JobStatus::kReceived));
  EXPECT_TRUE(IsRunning(JobStatus::kUploading));
  EXPECT_TRUE(IsTerminal(JobStatus::kCanceled));
}

TEST(StoreEnumsTest, VoiceAndModelNamesRoundTrip) {
  for (VoiceKind k : {VoiceKind::kBuiltin, VoiceKind::kClone}) {
    EXPECT_EQ(ParseVoiceKind(VoiceKindName(k)).value(), k);
  }
  for (VoiceStatus s : {VoiceStatus::kProcessing, VoiceStatus::kReady, VoiceStatus::kRejected,
                        VoiceStatus::kDeleted}) {
    EXPECT_EQ(ParseVoiceStatus(VoiceStatusName(s)).value(), s);
  }
  for (ModelStatus s : {ModelStatus::kActive, ModelStatus::kCanary, ModelStatus::kRetired}) {
    EXPECT_EQ(ParseModelStatus(ModelStatusName(s)).value(), s);
  }
  EXPECT_FALSE(ParseVoiceKind("builtin "));
  EXPECT_FALSE(ParseVoiceStatus("gone"));
  EXPECT_FALSE(ParseModelStatus("beta"));
}

}  // namespace
}  // namespace vox::store
