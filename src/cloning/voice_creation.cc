#include "cloning/voice_creation.h"

#include <spdlog/spdlog.h>

#include <set>
#include <string_view>

#include "common/clock.h"
#include "common/uuid.h"

namespace vox::cloning {
namespace {

using nlohmann::json;
using store::JobStatus;

std::string UploadPrefix(const std::string& voice_id) { return "uploads/" + voice_id + "/"; }

json StagedJson(const StagedUpload& u) { return {{"key", u.key}, {"filename", u.filename}}; }

StagedUpload StagedFromJson(const json& j) {
  return {j.at("key").get<std::string>(), j.at("filename").get<std::string>()};
}

// A voice is processing exactly while its job has not ended.
std::optional<std::string> JobIdOf(const store::Voice& voice) {
  json metadata = json::parse(voice.metadata, nullptr, false);
  if (!metadata.is_object() || !metadata.contains("job_id") || !metadata["job_id"].is_string()) {
    return std::nullopt;
  }
  return metadata["job_id"].get<std::string>();
}

}  // namespace

std::string CreationParams::ToJson() const {
  json j = {{"name", name},
            {"speaker_name", speaker_name},
            {"description", description},
            {"labels", labels},
            {"files", json::array()},
            {"actor",
             {{"user_id", actor.user_id},
              {"key_id", actor.key_id ? json(*actor.key_id) : json()},
              {"request_id", actor.request_id},
              {"via", actor.via}}}};
  for (const auto& f : files) j["files"].push_back(StagedJson(f));
  if (consent_audio) j["consent_audio"] = StagedJson(*consent_audio);
  if (!challenge_id.empty()) j["consent_challenge"] = {{"id", challenge_id}, {"words", challenge}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<CreationParams> CreationParams::FromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Internal("voice creation params are not a JSON object");
  CreationParams p;
  try {
    p.name = j.at("name").get<std::string>();
    p.speaker_name = j.at("speaker_name").get<std::string>();
    p.description = j.at("description").get<std::string>();
    p.labels = j.at("labels").get<std::vector<std::string>>();
    for (const auto& f : j.at("files")) p.files.push_back(StagedFromJson(f));
    if (j.contains("consent_audio")) p.consent_audio = StagedFromJson(j["consent_audio"]);
    if (j.contains("consent_challenge")) {  // absent in jobs accepted before challenges
      p.challenge_id = j["consent_challenge"].at("id").get<std::string>();
      p.challenge = j["consent_challenge"].at("words").get<std::string>();
    }
    const json& a = j.at("actor");
    p.actor.user_id = a.at("user_id").get<std::string>();
    if (!a.at("key_id").is_null()) p.actor.key_id = a["key_id"].get<std::string>();
    p.actor.request_id = a.at("request_id").get<std::string>();
    p.actor.via = a.at("via").get<std::string>();
  } catch (const json::exception& e) {
    return Internal(std::string("voice creation params are malformed: ") + e.what());
  }
  return p;
}

Result<AcceptedCreation> AcceptVoiceCreation(store::Store& store, blob::BlobStore& blobs,
                                             const VoiceCloner& cloner, const CloneInput& upload,
                                             const Actor& actor, int max_attempts,
                                             const store::VoiceCreationLimits& limits) {
  VOX_RETURN_IF_ERROR(cloner.CheckInput(upload));
  const std::string voice_id = NewUuid();
  const int64_t now = NowMs();
  // The challenge is spent and the recording's hash recorded first: a reused challenge or a
  // replayed recording is refused before anything is written. Released again below if the
  // upload is not accepted after all.
  CloneInput input = upload;
  VOX_RETURN_IF_ERROR(cloner.UseChallenge(input, actor, voice_id));
  CreationParams params;
  params.challenge_id = input.challenge_id;
  params.challenge = input.challenge;
  params.name = input.name;
  params.speaker_name = input.speaker_name;
  params.description = input.description;
  params.labels = input.labels;
  params.actor = actor;

  // The recordings first: a row is never there without them. On any error
  // below, what was staged is removed again.
  auto stage = [&](const UploadedAudio& audio, const std::string& name) -> Result<StagedUpload> {
    StagedUpload staged{UploadPrefix(voice_id) + name, audio.filename};
    VOX_RETURN_IF_ERROR(blobs.Put(staged.key, audio.bytes, "application/octet-stream"));
    return staged;
  };
  auto staged = [&]() -> Status {
    for (size_t i = 0; i < input.files.size(); ++i) {
      VOX_ASSIGN_OR_RETURN(StagedUpload s, stage(input.files[i], "files-" + std::to_string(i)));
      params.files.push_back(std::move(s));
    }
    if (input.consent_audio) {
      VOX_ASSIGN_OR_RETURN(params.consent_audio, stage(*input.consent_audio, "consent_audio"));
    }
    return {};
  }();

  store::Job job;
  job.id = NewUuid();
  job.kind = store::JobKind::kVoiceCreation;
  job.user_id = actor.user_id;
  job.status = JobStatus::kQueued;
  job.voice_id = voice_id;
  job.params = params.ToJson();
  job.max_attempts = max_attempts;
  job.created_at = job.updated_at = job.next_attempt_at = now;

  store::Voice voice;
  voice.id = voice_id;
  voice.user_id = actor.user_id;
  voice.name = input.name;
  voice.kind = store::VoiceKind::kClone;
  voice.status = store::VoiceStatus::kProcessing;
  voice.engine = "flite";
  voice.language = "en-US";
  voice.metadata = json{
      {"description", input.description},
      {"labels", input.labels},
      {"speaker_name", input.speaker_name},
      {"job_id",
       job.id}}.dump(-1, ' ', false, json::error_handler_t::replace);
  voice.created_at = voice.updated_at = now;

  Result<store::CreateJobResult> created = std::unexpected(Error{});
  if (staged) {
    created = store.CreateVoiceCreationJob(voice, job,
                                           {{0, "", JobStatus::kReceived, now, 0, ""},
                                            {0, "", JobStatus::kQueued, now, 0, "voice creation"}},
                                           limits);
  }
  if (!staged || !created) {
    if (auto s = RemoveStagedUploads(blobs, voice_id); !s) {
      spdlog::error("voice {}: staged recordings not removed: {}", voice_id, s.error().message);
    }
    if (auto s = store.ReleaseConsent(voice_id); !s) {
      spdlog::error("voice {}: consent challenge not released: {}", voice_id, s.error().message);
    }
    return std::unexpected(staged ? created.error() : staged.error());
  }
  return AcceptedCreation{std::move(voice), std::move(created->job)};
}

Result<CloneInput> LoadCreationInput(blob::BlobStore& blobs, const CreationParams& params,
                                     std::vector<std::string>& storage) {
  const size_t count = params.files.size() + (params.consent_audio ? 1 : 0);
  storage.clear();
  storage.reserve(count);  // the views below point into it: no reallocation
  auto load = [&](const StagedUpload& staged) -> Result<UploadedAudio> {
    auto bytes = blobs.Get(staged.key);
    if (!bytes && bytes.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the uploaded recording " + staged.filename + " is gone");
    }
    if (!bytes) return std::unexpected(bytes.error());
    storage.push_back(std::move(*bytes));
    return UploadedAudio{staged.filename, storage.back()};
  };
  CloneInput input;
  input.name = params.name;
  input.speaker_name = params.speaker_name;
  input.description = params.description;
  input.labels = params.labels;
  input.challenge_id = params.challenge_id;
  input.challenge = params.challenge;
  for (const auto& f : params.files) {
    VOX_ASSIGN_OR_RETURN(UploadedAudio audio, load(f));
    input.files.push_back(audio);
  }
  if (params.consent_audio) {
    VOX_ASSIGN_OR_RETURN(input.consent_audio, load(*params.consent_audio));
  }
  return input;
}

Status RemoveStagedUploads(blob::BlobStore& blobs, const std::string& voice_id) {
  VOX_ASSIGN_OR_RETURN(auto keys, blobs.List(UploadPrefix(voice_id)));
  for (const std::string& key : keys) VOX_RETURN_IF_ERROR(blobs.Delete(key));
  return {};
}

Status RejectVoice(store::Store& store, blob::BlobStore& blobs, const std::string& voice_id,
                   const Error& error, int64_t at) {
  VOX_RETURN_IF_ERROR(RemoveStagedUploads(blobs, voice_id));
  VOX_ASSIGN_OR_RETURN(store::Voice voice, store.GetVoice(voice_id));
  if (voice.status != store::VoiceStatus::kProcessing) return {};
  json metadata = json::parse(voice.metadata, nullptr, false);
  if (!metadata.is_object()) metadata = json::object();
  metadata["rejection"] = {{"code", ErrorCodeName(error.code)},
                           {"field", error.field},
                           {"message", error.message},
                           {"at", at}};
  store::VoiceUpdate update;
  update.id = voice_id;
  update.status = store::VoiceStatus::kRejected;
  update.only_if = store::VoiceStatus::kProcessing;
  update.metadata = metadata.dump(-1, ' ', false, json::error_handler_t::replace);
  update.at = at;
  auto rejected = store.UpdateVoice(update);
  if (!rejected && rejected.error().code != ErrorCode::kFailedPrecondition) {
    return std::unexpected(rejected.error());
  }
  return {};  // rejected, or finished otherwise meanwhile
}

Status SettleVoiceCreation(store::Store& store, blob::BlobStore& blobs, const store::Job& job) {
  if (job.kind != store::JobKind::kVoiceCreation || !store::IsTerminal(job.status)) return {};
  if (job.status != JobStatus::kDone) {
    Error reason;
    reason.code = ErrorCode::kUnprocessable;
    if (job.status == JobStatus::kCanceled) {
      reason.code = ErrorCode::kCanceled;
      reason.message = "the voice creation was canceled";
    } else {
      auto code = job.error_code.value_or("internal");
      if (code != "unprocessable" && code != "permission_denied" && code != "invalid_argument") {
        reason.code = ErrorCode::kInternal;
      }
      reason.message = job.error_message.value_or("the voice creation failed");
    }
    auto rejected =
        RejectVoice(store, blobs, job.voice_id, reason, job.finished_at.value_or(NowMs()));
    if (!rejected && rejected.error().code != ErrorCode::kNotFound) return rejected;
  }
  return RemoveStagedUploads(blobs, job.voice_id);
}

namespace {

// Staged recordings of voices that are no longer processing: what a process
// that died between a voice's end and the deletion left behind. A folder
// whose voice row does not exist yet is an upload being accepted: left alone.
Result<int> RemoveOrphanUploads(store::Store& store, blob::BlobStore& blobs, int limit) {
  VOX_ASSIGN_OR_RETURN(auto keys, blobs.List("uploads/"));
  std::set<std::string> voice_ids;
  for (const std::string& key : keys) {
    const std::string_view rest = std::string_view(key).substr(std::string_view("uploads/").size());
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
      voice_ids.emplace(rest.substr(0, slash));
    }
  }
  int removed = 0;
  for (const std::string& voice_id : voice_ids) {
    if (removed >= limit) break;
    auto voice = store.GetVoice(voice_id);
    if (!voice) {
      if (voice.error().code == ErrorCode::kNotFound) continue;
      return std::unexpected(voice.error());
    }
    if (voice->status == store::VoiceStatus::kProcessing) continue;
    VOX_RETURN_IF_ERROR(RemoveStagedUploads(blobs, voice_id));
    ++removed;
  }
  return removed;
}

}  // namespace

Result<int> SweepVoiceCreations(store::Store& store, blob::BlobStore& blobs, int limit) {
  VOX_ASSIGN_OR_RETURN(auto voices,
                       store.ListVoicesInStatus(store::VoiceStatus::kProcessing, limit));
  int settled = 0;
  for (const store::Voice& voice : voices) {
    const auto job_id = JobIdOf(voice);
    Result<store::Job> job =
        job_id ? store.GetJob(*job_id) : Result<store::Job>(std::unexpected(Error{}));
    if (job && !store::IsTerminal(job->status)) continue;  // still being made
    if (job) {
      VOX_RETURN_IF_ERROR(SettleVoiceCreation(store, blobs, *job));
    } else {
      if (job.error().code != ErrorCode::kNotFound && job_id) return std::unexpected(job.error());
      // No job to finish it (a row older than creation jobs, or a damaged one).
      const Error interrupted{ErrorCode::kInternal, "the voice creation was interrupted", ""};
      VOX_RETURN_IF_ERROR(RejectVoice(store, blobs, voice.id, interrupted, NowMs()));
    }
    ++settled;
  }
  VOX_ASSIGN_OR_RETURN(const int orphans, RemoveOrphanUploads(store, blobs, limit));
  // Consent challenges nobody used: kept a day past their expiry (for the audit trail of a
  // late upload's refusal), then deleted. Spent ones stay with their voice.
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  if (auto expired = store.DeleteExpiredConsentChallenges(NowMs() - kDayMs); !expired) {
    spdlog::warn("consent challenges not swept: {}", expired.error().message);
  }
  return settled + orphans;
}

}  // namespace vox::cloning
