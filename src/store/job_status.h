// The job lifecycle of DESIGN.md as a type, with its database spelling.
//
//   received → queued → picked → preprocessing → inference → vocoding →
//   uploading → done | failed | canceled
//
// "Running" statuses (picked .. uploading) are the ones a worker holds under a
// lease; terminal statuses never change again unless a caller names them
// explicitly in JobTransition::allowed_from.
#pragma once

#include <array>
#include <string_view>

#include "common/status.h"

namespace vox::store {

enum class JobStatus {
  kReceived,
  kQueued,
  kPicked,
  kPreprocessing,
  kInference,
  kVocoding,
  kUploading,
  kDone,
  kFailed,
  kCanceled,
};

inline constexpr std::array<JobStatus, 10> kAllJobStatuses = {
    JobStatus::kReceived,  JobStatus::kQueued,   JobStatus::kPicked,    JobStatus::kPreprocessing,
    JobStatus::kInference, JobStatus::kVocoding, JobStatus::kUploading, JobStatus::kDone,
    JobStatus::kFailed,    JobStatus::kCanceled,
};

// "received", "queued", ... (the value stored in jobs.status and logs.status).
std::string_view JobStatusName(JobStatus status);
// Inverse of JobStatusName; kInvalidArgument for anything else.
Result<JobStatus> ParseJobStatus(std::string_view name);

bool IsTerminal(JobStatus status);  // done, failed, canceled
bool IsRunning(JobStatus status);   // picked, preprocessing, inference, vocoding, uploading

}  // namespace vox::store
