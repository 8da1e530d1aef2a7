// Detection of an uploaded or local audio file, as the detect route and
// `vox watermark detect` answer it:
//   {"watermarked":bool,"confidence":0..1,"job_id":"…"|null,"job_id_prefix":"…"|null,
//    "identified_by":"payload"|"candidates"|null,"sync_z":…,"audio_seconds":…}
// job_id is the job the mark names. From long audio (about 150 s) the payload
// is decoded and looked up by its first 64 bits ("payload"); from shorter
// marked audio the newest kRecentJobCandidates jobs of the store are matched
// against the payload's soft evidence ("candidates", identify.h: a wrong job is
// named with probability under 1e-6 per file). null when the audio is not
// watermarked or no job could be named with that confidence.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/job_store.h"
#include "watermark/watermarker.h"

namespace vox::watermark {

inline constexpr int kRecentJobCandidates = 100'000;

struct DetectReport {
  Detection detection;
  std::optional<std::string> job_id;
  std::string identified_by;  // "payload", "candidates", or empty
  double audio_seconds = 0;
  nlohmann::json ToJson() const;
};

// Decodes `bytes` (any container Vox decodes; at most 600 s) and reads the mark.
// Errors name field "file": invalid_argument for what is not audio,
// resource_exhausted for too long. `jobs` null: job_id stays null.
Result<DetectReport> DetectAudio(const Watermarker& watermarker, store::JobStore* jobs,
                                 std::string_view bytes);

}  // namespace vox::watermark
