// The 429s of the API, told apart by every front end: over the plan's quota
// (`quota_exceeded`: waiting does not help until the period resets), over a
// rate or concurrency bound (`rate_limited`: retry shortly), and over the
// server's bound on one user's unfinished jobs (`too_many_queued_jobs`,
// VOX_MAX_QUEUED_JOBS_PER_USER: retry once some have finished). All are
// kResourceExhausted; the field marks which, since an Error carries no other slot.
#pragma once

#include <string>

#include "common/status.h"

namespace vox::api {

inline constexpr const char* kQuotaField = "quota";
inline constexpr const char* kRateField = "rate";
inline constexpr const char* kQueuedJobsField = "queued_jobs";

inline Error QuotaExceeded(std::string message) {
  return Error{ErrorCode::kResourceExhausted, std::move(message), kQuotaField};
}
inline Error RateLimited(std::string message) {
  return Error{ErrorCode::kResourceExhausted, std::move(message), kRateField};
}
inline Error TooManyQueuedJobs(std::string message) {
  return Error{ErrorCode::kResourceExhausted, std::move(message), kQueuedJobsField};
}
inline bool IsTooManyQueuedJobs(const Error& e) {
  return e.code == ErrorCode::kResourceExhausted && e.field == kQueuedJobsField;
}
inline bool IsQuotaExceeded(const Error& e) {
  return e.code == ErrorCode::kResourceExhausted && e.field == kQuotaField;
}
inline bool IsRateLimited(const Error& e) {
  return e.code == ErrorCode::kResourceExhausted && e.field == kRateField;
}

}  // namespace vox::api
