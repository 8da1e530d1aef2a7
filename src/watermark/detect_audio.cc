#include "watermark/detect_audio.h"

#include "audio/decode.h"
#include "watermark/layout.h"
#include "watermark/payload.h"

namespace vox::watermark {

nlohmann::json DetectReport::ToJson() const {
  nlohmann::json j = {
      {"watermarked", detection.watermarked},
      {"confidence", std::round(detection.confidence * 1000) / 1000},
      {"job_id", job_id ? nlohmann::json(*job_id) : nlohmann::json()},
      {"job_id_prefix", detection.id ? nlohmann::json(IdPrefix(*detection.id)) : nlohmann::json()},
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
  if (report.detection.id && jobs != nullptr) {
    VOX_ASSIGN_OR_RETURN(auto ids, jobs->FindJobIdsByPrefix(IdPrefix(*report.detection.id), 2));
    if (ids.size() == 1) report.job_id = ids.front();
  }
  return report;
}

}  // namespace vox::watermark
