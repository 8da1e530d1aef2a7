// Detection of an uploaded or local audio file, as the detect route and
// `vox watermark detect` answer it:
//   {"watermarked":bool,"confidence":0..1,"job_id":"…"|null,"job_id_prefix":"…"|null,
//    "identified_by":"payload"|"candidates"|null,"source":"job"|"wyoming"|null,
//    "sync_z":…,"audio_seconds":…}
// plus, for a Wyoming synthesis, "mark_id" and "audit_id".
// job_id is the job the mark names. From long audio (about 150 s) the payload
// is decoded and looked up by its first 64 bits ("payload"); from shorter
// marked audio the newest kRecentJobCandidates jobs of the store are matched
// against the payload's soft evidence ("candidates", identify.h: a wrong job is
// named with probability under 1e-6 per file). null when the audio is not
// watermarked or no job could be named with that confidence.
// Wyoming's syntheses have no job: their mark is a fresh id that the
// synthesis's audit event (action wyoming.synthesize) keeps as its target. The
// newest kRecentWyomingCandidates of those are candidates too; one named is
// reported with source "wyoming", its mark_id and the audit row (who, when,
// voice, text hash), and job_id null.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/store.h"
#include "watermark/watermarker.h"

namespace vox::watermark {

inline constexpr int kRecentJobCandidates = 100'000;
inline constexpr int kRecentWyomingCandidates = 10'000;  // ListAudit's most
inline constexpr std::string_view kWyomingAuditAction = "wyoming.synthesize";

struct DetectReport {
  Detection detection;
  std::optional<std::string> job_id;
  std::string identified_by;           // "payload", "candidates", or empty
  std::string source;                  // "job", "wyoming", or empty (nothing named)
  std::optional<std::string> mark_id;  // a Wyoming synthesis's
  std::optional<int64_t> audit_id;     // its audit event
  double audio_seconds = 0;
  nlohmann::json ToJson() const;
};

// Decodes `bytes` (any container Vox decodes; at most 600 s) and reads the mark.
// Errors name field "file": invalid_argument for what is not audio,
// resource_exhausted for too long. `store` null: nothing is named.
Result<DetectReport> DetectAudio(const Watermarker& watermarker, store::Store* store,
                                 std::string_view bytes);

}  // namespace vox::watermark
