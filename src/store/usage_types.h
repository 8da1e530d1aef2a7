// Rows of the plans and usage_daily tables (migration 6).
#pragma once

#include <cstdint>
#include <string>

namespace vox::store {

// What a plan allows. 0 in a limit means "no limit" for that dimension.
struct Plan {
  std::string name;
  int64_t monthly_chars = 0;  // characters per calendar month (UTC)
  int64_t voice_slots = 0;    // cloned voices kept at once (processing or ready)
  double rate = 0;            // submissions per second per key (bursts of 2 s worth)
  int64_t concurrency = 0;    // synthesis jobs queued or running at once
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// One addition to the usage table. Empty project/key_id mean "none" (stored as '').
struct UsageDelta {
  std::string day;  // "YYYY-MM-DD", UTC
  std::string user_id;
  std::string project;
  std::string key_id;
  std::string route;       // the route template, e.g. "/v1/tts/synthesize"
  std::string voice_kind;  // "builtin" | "piper" | "clone"
  int64_t characters = 0;
  double audio_seconds = 0;
  int64_t requests = 0;
};

// A row of usage_daily: the sums of every delta with its key.
using UsageRow = UsageDelta;

// A charge under the plan's monthly characters (UsageStore::AddUsageCapped,
// JobStore::CreateJobCapped): `delta` is added only when the user's characters
// in [from_day, to_day], its own included, stay within max_characters.
struct QuotaCharge {
  UsageDelta delta;
  std::string from_day, to_day;  // the quota's period, "YYYY-MM-DD", inclusive
  int64_t max_characters = 0;    // <= 0: no bound
};

// The field of the kResourceExhausted that refuses a QuotaCharge over its bound
// (a bound on jobs in flight refuses with no field).
inline constexpr const char* kQuotaRefusalField = "characters";

// Bounds on a user's clones at a new voice creation (JobStore::CreateVoiceCreationJob),
// each <= 0 for none: the clones kept (processing or ready: the plan's voice slots) and
// those still being made.
struct VoiceCreationLimits {
  int64_t max_kept = 0;
  int64_t max_pending = 0;
};
inline constexpr const char* kVoiceSlotsField = "voice_slots";
inline constexpr const char* kPendingCreationsField = "pending_creations";

}  // namespace vox::store
