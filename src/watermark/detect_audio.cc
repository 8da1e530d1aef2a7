#include "watermark/detect_audio.h"

#include "audio/decode.h"
#include "watermark/identify.h"
#include "watermark/layout.h"
#include "watermark/payload.h"

namespace vox::watermark {
namespace {

// Who a mark can name: a job (its id) or a Wyoming synthesis (its mark id and audit row).
struct Candidate {
  std::string id;
  std::optional<int64_t> audit_id;  // set for a Wyoming synthesis
};

// The newest Wyoming syntheses (their mark ids, kept as their audit events' targets).
Result<std::vector<Candidate>> RecentWyomingMarks(store::Store& store) {
  store::AuditQuery query;
  query.action = std::string(kWyomingAuditAction);
  query.limit = kRecentWyomingCandidates;
  VOX_ASSIGN_OR_RETURN(auto events, store.ListAudit(query));
  std::vector<Candidate> marks;
  for (auto& e : events) {
    if (!e.target_id.empty()) marks.push_back({std::move(e.target_id), e.id});
  }
  return marks;
}

// The newest jobs, then the newest Wyoming syntheses.
Result<std::vector<Candidate>> RecentCandidates(store::Store& store) {
  VOX_ASSIGN_OR_RETURN(auto job_ids, store.ListRecentJobIds(kRecentJobCandidates));
  VOX_ASSIGN_OR_RETURN(auto marks, RecentWyomingMarks(store));
  std::vector<Candidate> candidates;
  candidates.reserve(job_ids.size() + marks.size());
  for (auto& id : job_ids) candidates.push_back({std::move(id), std::nullopt});
  for (auto& m : marks) candidates.push_back(std::move(m));
  return candidates;
}

void Name(DetectReport& report, const Candidate& c, const char* how) {
  report.identified_by = how;
  if (c.audit_id) {
    report.source = "wyoming";
    report.mark_id = c.id;
    report.audit_id = c.audit_id;
  } else {
    report.source = "job";
    report.job_id = c.id;
  }
}

}  // namespace

nlohmann::json DetectReport::ToJson() const {
  nlohmann::json j = {
      {"watermarked", detection.watermarked},
      {"confidence", std::round(detection.confidence * 1000) / 1000},
      {"job_id", job_id ? nlohmann::json(*job_id) : nlohmann::json()},
      {"job_id_prefix", detection.id ? nlohmann::json(IdPrefix(*detection.id)) : nlohmann::json()},
      {"identified_by", identified_by.empty() ? nlohmann::json() : nlohmann::json(identified_by)},
      {"source", source.empty() ? nlohmann::json() : nlohmann::json(source)},
      {"sync_z", std::round(detection.sync_z * 100) / 100},
      {"audio_seconds", std::round(audio_seconds * 100) / 100}};
  if (mark_id) j["mark_id"] = *mark_id;
  if (audit_id) j["audit_id"] = *audit_id;
  return j;
}

Result<DetectReport> DetectAudio(const Watermarker& watermarker, store::Store* store,
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
  if (store == nullptr || !report.detection.watermarked) return report;
  if (report.detection.id) {
    VOX_ASSIGN_OR_RETURN(auto ids, store->FindJobIdsByPrefix(IdPrefix(*report.detection.id), 2));
    if (ids.size() == 1) {
      Name(report, {ids.front(), std::nullopt}, "payload");
      return report;
    }
    if (!ids.empty()) return report;  // two jobs share the prefix: name neither
    VOX_ASSIGN_OR_RETURN(auto marks, RecentWyomingMarks(*store));
    std::vector<const Candidate*> matches;
    for (const Candidate& c : marks) {
      if (PayloadId(c.id) == *report.detection.id) matches.push_back(&c);
    }
    if (matches.size() == 1) Name(report, *matches.front(), "payload");
    return report;
  }
  VOX_ASSIGN_OR_RETURN(auto candidates, RecentCandidates(*store));
  std::vector<uint64_t> ids;
  ids.reserve(candidates.size());
  for (const Candidate& c : candidates) ids.push_back(PayloadId(c.id));
  const Identification found = IdentifyAmong(report.detection.evidence, ids);
  if (found.index) Name(report, candidates[*found.index], "candidates");
  return report;
}

}  // namespace vox::watermark
