#include "watermark/detect_audio.h"

#include "audio/decode.h"
#include "watermark/identify.h"
#include "watermark/layout.h"
#include "watermark/payload.h"

namespace vox::watermark {

nlohmann::json DetectReport::ToJson() const {
  nlohmann::json j = {
      {"watermarked", detection.watermarked},
      {"confidence", std::round(detection.confidence * 1000) / 1000},
      {"job_id", job_id ? nlohmann::json(*job_id) : nlohmann::json()},
      {"job_id_prefix", detection.id ? nlohmann::json(IdPrefix(*detection.id)) : nlohmann::json()},
      {"identified_by", identified_by.empty() ? nlohmann::json() : nlohmann::json(identified_by)},
      {"sync_z", std::round(detection.sync_z * 100) / 100},
      {"audio_seconds", std::round(audio_seconds * 100) / 100}};
  return j;
}

Result<DetectReport> DetectAudio(const Watermarker& watermarker, store::JobStore* jobs,
                                 std::string_view bytes) {
  audio::DecodeOptions options;
  options.max_seconds = 600;
  options.mix_to_mono = true;
  options.output_sample_rate = kDetectRate;  // bounded memory whatever the upload declares
  auto pcm = audio::Decode(bytes, options);
  if (!pcm) {
    Error e = pcm.error();
    if (e.field == "audio") e.field = "file";
    return std::unexpected(e);
  }
  DetectReport report;
  report.audio_seconds = pcm->duration_s();
  VOX_ASSIGN_OR_RETURN(report.detection, watermarker.Detect(*pcm));
  if (jobs == nullptr) return report;
  if (report.detection.id) {
    VOX_ASSIGN_OR_RETURN(auto ids, jobs->FindJobIdsByPrefix(IdPrefix(*report.detection.id), 2));
    if (ids.size() == 1) {
      report.job_id = ids.front();
      report.identified_by = "payload";
    }
  } else if (report.detection.watermarked) {
    VOX_ASSIGN_OR_RETURN(auto ids, jobs->ListRecentJobIds(kRecentJobCandidates));
    std::vector<uint64_t> candidates;
    candidates.reserve(ids.size());
    for (const auto& id : ids) candidates.push_back(PayloadId(id));
    const Identification found = IdentifyAmong(report.detection.evidence, candidates);
    if (found.index) {
      report.job_id = ids[*found.index];
      report.identified_by = "candidates";
    }
  }
  return report;
}

}  // namespace vox::watermark
