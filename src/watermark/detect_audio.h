// Detection of an uploaded or local audio file, as the detect route and
// `vox watermark detect` answer it:
//   {"watermarked":bool,"confidence":0..1,"job_id":"…"|null,"job_id_prefix":"…"|null,
//    "sync_z":…}
// job_id is the job the payload names, looked up in the store by the first 64
// bits of its id; null when the audio is not watermarked, when the payload
// could not be read (too little audio: the presence shows in 5 s, the id needs
// more), or when no job (or more than one) has that prefix here.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/job_store.h"
#include "watermark/watermarker.h"

namespace vox::watermark {

struct DetectReport {
  Detection detection;
  std::optional<std::string> job_id;
  double audio_seconds = 0;
  nlohmann::json ToJson() const;
};

// Decodes `bytes` (any container Vox decodes; at most 600 s) and reads the mark.
// Errors name field "file": invalid_argument for what is not audio,
// resource_exhausted for too long. `jobs` null: job_id stays null.
Result<DetectReport> DetectAudio(const Watermarker& watermarker, store::JobStore* jobs,
                                 std::string_view bytes);

}  // namespace vox::watermark
