#include "store/job_status.h"

#include <string>

namespace vox::store {

std::string_view JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kReceived:
      return "received";
    case JobStatus::kQueued:
      return "queued";
    case JobStatus::kPicked:
      return "picked";
    case JobStatus::kPreprocessing:
      return "preprocessing";
    case JobStatus::kInference:
      return "inference";
    case JobStatus::kVocoding:
      return "vocoding";
    case JobStatus::kUploading:
      return "uploading";
    case JobStatus::kDone:
      return "done";
    case JobStatus::kFailed:
      return "failed";
    case JobStatus::kCanceled:
      return "canceled";
  }
  return "unknown";
}

Result<JobStatus> ParseJobStatus(std::string_view name) {
  for (JobStatus s : kAllJobStatuses) {
    if (JobStatusName(s) == name) return s;
  }
  return InvalidArgument("unknown job status '" + std::string(name) + "'");
}

bool IsTerminal(JobStatus status) {
  return status == JobStatus::kDone || status == JobStatus::kFailed ||
         status == JobStatus::kCanceled;
}

bool IsRunning(JobStatus status) {
  switch (status) {
    case JobStatus::kPicked:
    case JobStatus::kPreprocessing:
    case JobStatus::kInference:
    case JobStatus::kVocoding:
    case JobStatus::kUploading:
      return true;
    default:
      return false;
  }
}

}  // namespace vox::store
