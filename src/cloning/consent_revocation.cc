#include "cloning/consent_revocation.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cloning/clone_metadata.h"
#include "cloning/voice_creation.h"
#include "cloning/voice_resolver.h"
#include "engines/timeline.h"
#include "store/job_params.h"

namespace vox::cloning {
namespace {

using nlohmann::json;

constexpr int kJobsPerPage = 200;

// What stays of a revoked voice's metadata: when, by whom and through what.
std::string RevocationRecord(const Actor& actor, int64_t at) {
  json by = actor.user_id.empty() ? json() : json(actor.user_id);
  return json{{"revocation", {{"revoked_at", at}, {"revoked_by", by}, {"via", actor.via}}}}.dump();
}

}  // namespace

Result<Revocation> ConsentRevoker::Revoke(const std::string& voice_id, const Actor& actor,
                                          bool as_admin) {
  VOX_ASSIGN_OR_RETURN(
      std::optional<store::Voice> row,
      VoiceResolver(store_).ForManagement(voice_id, Caller{actor.user_id, as_admin}));
  if (!row) {
    return MakeError(ErrorCode::kPermissionDenied, "built-in voices have no consent to revoke",
                     "voice_id");
  }
  if (row->status == store::VoiceStatus::kDeleted) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the voice was deleted: nothing of it is left to revoke", "voice_id");
  }
  Revocation out;
  out.first = row->status != store::VoiceStatus::kRevoked;
  const int64_t now = clock_.NowMs();
  // The row first: from here on the voice speaks no more, whatever happens next.
  VOX_ASSIGN_OR_RETURN(out.voice, store_.RevokeVoice(voice_id, RevocationRecord(actor, now), now));
  if (out.first) {
    store::AuditEvent event;
    event.at = now;
    if (!actor.user_id.empty()) event.actor_user_id = actor.user_id;
    event.actor_key_id = actor.key_id;
    event.action = "voice.revoke_consent";
    event.target_type = "voice";
    event.target_id = voice_id;
    event.request_id = actor.request_id;
    event.detail = json{
        {"name", row->name},
        {"owner", row->user_id.value_or("")},
        {"previous_status", store::VoiceStatusName(row->status)},
        {"via",
         actor.via}}.dump();
    VOX_RETURN_IF_ERROR(store_.AppendAudit(event));
  }
  for (const std::string& key : {SampleKey(voice_id), ConsentKey(voice_id)}) {
    VOX_RETURN_IF_ERROR(blobs_.Delete(key));  // idempotent: absent is fine
  }
  VOX_RETURN_IF_ERROR(RemoveStagedUploads(blobs_, voice_id));
  VOX_RETURN_IF_ERROR(PurgeJobs(voice_id, out));
  spdlog::info("voice {}: consent revoked ({} jobs failed, {} jobs' audio purged)", voice_id,
               out.failed.size(), out.purged_jobs);
  return out;
}

Status ConsentRevoker::PurgeJobs(const std::string& voice_id, Revocation& out) {
  std::string after;
  while (true) {
    VOX_ASSIGN_OR_RETURN(std::vector<store::Job> page,
                         store_.ListVoiceJobs(voice_id, after, kJobsPerPage));
    for (const store::Job& job : page) VOX_RETURN_IF_ERROR(PurgeJob(job, out));
    if (page.size() < static_cast<size_t>(kJobsPerPage)) return {};
    after = page.back().id;
  }
}

Status ConsentRevoker::PurgeJob(const store::Job& job, Revocation& out) {
  if (!store::IsTerminal(job.status)) {
    // Queued or running: it fails now with the reason. A worker running it
    // stops at its next sentence (its lease is gone and the voice refuses).
    const Error reason = SynthesisAllowed(store::VoiceStatus::kRevoked).error();
    store::JobTransition t;
    t.job_id = job.id;
    t.to = store::JobStatus::kFailed;
    t.at = clock_.NowMs();
    t.error_code = ErrorCodeName(reason.code);
    t.error_message = reason.message;
    t.message = reason.message;
    VOX_ASSIGN_OR_RETURN(bool moved, store_.TransitionJob(t));
    if (moved) {
      VOX_ASSIGN_OR_RETURN(store::Job ended, store_.GetJob(job.id));
      out.failed.push_back(std::move(ended));
    }
  }
  // Cache entries first, so no request is answered from audio about to go.
  if (!job.cache_key.empty()) {
    VOX_RETURN_IF_ERROR(cache_.Remove(job.cache_key));
    // With watermarks on, the entry's audio is an unmarked master of its own.
    const std::string master = cache::MasterKey(job.cache_key);
    VOX_RETURN_IF_ERROR(blobs_.Delete(master));
    VOX_RETURN_IF_ERROR(blobs_.Delete(store::MarksBlobKey(master)));
    VOX_RETURN_IF_ERROR(blobs_.Delete(cache::MasterTimestampsKey(job.cache_key)));
  }
  if (job.audio_key) {
    VOX_RETURN_IF_ERROR(blobs_.Delete(*job.audio_key));
    VOX_RETURN_IF_ERROR(blobs_.Delete(store::MarksBlobKey(*job.audio_key)));
  }
  VOX_RETURN_IF_ERROR(blobs_.Delete(engines::TimestampsKey(job.id)));
  ++out.purged_jobs;
  return {};
}

}  // namespace vox::cloning
