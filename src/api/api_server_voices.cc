// ApiServer's voice routes: listing, cloning, deleting, consent statements and
// revocation, and the admin's protected-voice list.
#include "api/api_responses.h"
#include "api/api_server.h"
#include "api/clone_form.h"
#include "cloning/clone_metadata.h"
#include "cloning/voice_resolver.h"
#include "common/uuid.h"
#include "voice/consent.h"

namespace vox::api {
namespace {

using http::Request;
using http::Responder;
using http::Response;
using nlohmann::json;

json CloneJson(const store::Voice& v) {
  json out = {{"id", v.id},
              {"voice_id", v.id},
              {"name", v.name},
              {"kind", "clone"},
              {"status", store::VoiceStatusName(v.status)},
              {"engine", v.engine},
              {"language", v.language},
              {"gender", v.gender},
              {"base_voice", v.base_voice},
              {"created_at", Iso8601(v.created_at)},
              {"updated_at", Iso8601(v.updated_at)}};
  if (v.deleted_at) out["deleted_at"] = Iso8601(*v.deleted_at);
  out.update(cloning::PublicCloneMetadata(v.metadata));
  return out;
}

json BuiltinJson(const engines::VoiceInfo& v) {
  json j = v.ToJson();
  j["kind"] = "builtin";
  j["status"] = "ready";
  return j;
}

Response NoSuchVoice() { return http::JsonError(404, "not_found", "no such voice", "voice_id"); }

Response CloningUnavailable() {
  return http::JsonError(503, "unavailable",
                         "voice cloning is not available on this server (the speech recognizer "
                         "for consent checks could not be loaded; see the server log)");
}

bool IsMultipart(const Request& request) {
  auto type = request.Header("Content-Type");
  return type && type->starts_with("multipart/form-data");
}

Response NotMultipart() {
  return http::JsonError(415, "unsupported_media_type", "Content-Type must be multipart/form-data",
                         "Content-Type");
}

cloning::Actor ActorOf(const Principal& who, const std::string& request_id) {
  return cloning::Actor{who.user_id, who.key_id, request_id, "api"};
}

// The vox_voice_creations_total label of an upload's acceptance (the
// worker's vox_voice_creations_finished_total counts how creations end).
const char* AcceptanceOutcome(const Result<cloning::AcceptedCreation>& accepted) {
  if (accepted) return "accepted";
  switch (accepted.error().code) {
    case ErrorCode::kInvalidArgument:
      return "invalid";
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kUnavailable:
      return "busy";
    default:
      return "error";
  }
}

}  // namespace

void ApiServer::ListVoices(Request& request, Responder respond) {
  if (elevenlabs::IsElevenLabsRequest(request)) {
    return elevenlabs_catalog_->ListVoices(request, std::move(respond));
  }
  std::string language(request.Query("language").value_or(""));
  Authed(request, std::move(respond), [this, language](const Principal& who) -> Response {
    json voices = json::array();
    for (const auto& v : engines_.ListVoices(language)) voices.push_back(BuiltinJson(v));
    auto clones = store_.ListVoices(who.user_id, /*include_builtin=*/false);
    if (!clones) return FromError(clones.error());
    for (const auto& v : *clones) {
      // Clones speak English (their base voices' front end).
      if (!language.empty() && !language.starts_with("en")) continue;
      voices.push_back(CloneJson(v));
    }
    return http::Json(200, {{"voices", voices}});
  });
}

void ApiServer::GetVoice(Request& request, Responder respond) {
  if (elevenlabs::IsElevenLabsRequest(request)) {
    return elevenlabs_catalog_->GetVoice(request, std::move(respond));
  }
  std::string id(request.PathParam("voice_id"));
  Authed(request, std::move(respond), [this, id](const Principal& who) -> Response {
    auto clone = cloning::VoiceResolver(store_).ForManagement(
        id, cloning::Caller{who.user_id, who.is_admin});
    if (!clone) {
      return clone.error().code == ErrorCode::kNotFound ? NoSuchVoice() : FromError(clone.error());
    }
    if (*clone) return http::Json(200, CloneJson(**clone));
    auto builtin = engines_.FindVoice(id);
    if (!builtin) return NoSuchVoice();
    return http::Json(200, BuiltinJson(builtin->voice));
  });
}

void ApiServer::DeleteVoice(Request& request, Responder respond) {
  if (elevenlabs::IsElevenLabsRequest(request)) {
    return elevenlabs_catalog_->DeleteVoice(request, std::move(respond));
  }
  std::string id(request.PathParam("voice_id"));
  std::string request_id = request.request_id;
  Authed(request, std::move(respond), [this, id, request_id](const Principal& who) -> Response {
    if (!cloner_) return CloningUnavailable();
    auto deleted = cloner_->Delete(id, ActorOf(who, request_id), who.is_admin);
    if (!deleted) return FromError(deleted.error());
    return http::Text(204, "");
  });
}

void ApiServer::RevokeConsent(Request& request, Responder respond) {
  std::string id(request.PathParam("voice_id"));
  std::string request_id = request.request_id;
  Authed(request, std::move(respond), [this, id, request_id](const Principal& who) -> Response {
    auto revoked = jobs_.RevokeConsent(who, id, request_id);
    if (!revoked) {
      return revoked.error().code == ErrorCode::kNotFound ? NoSuchVoice()
                                                          : FromError(revoked.error());
    }
    // The same answer every time: the voice as the revocation left it.
    return http::Json(200, CloneJson(revoked->voice));
  });
}

void ApiServer::CreateVoice(Request& request, Responder respond) {
  if (!IsMultipart(request)) return respond(NotMultipart());
  auto content_type = HeaderCopy(request, "Content-Type").value_or("");
  Authed(request, std::move(respond),
         [this, &request, content_type](const Principal& who) -> Response {
           if (!cloner_) return CloningUnavailable();
           int retry_after = 1;
           if (!limiter_.Allow(who, &retry_after)) {
             Response r = http::JsonError(429, "rate_limited", "too many requests; slow down");
             r.headers.Set("Retry-After", std::to_string(retry_after));
             return r;
           }
           auto input = ParseCloneForm(request.Body(), content_type);
           if (!input) {
             voice_creations_.With({"invalid"}).Inc();
             return FromError(input.error());
           }
           // Accepted now, made by a worker: the voice is processing until it
           // becomes ready, or rejected with the reason (GET /v1/voices/{id}).
           auto accepted =
               jobs_.SubmitVoiceCreation(*cloner_, *input, ActorOf(who, request.request_id));
           voice_creations_.With({AcceptanceOutcome(accepted)}).Inc();
           if (!accepted) return FromError(accepted.error());
           json body = CloneJson(accepted->voice);
           body["job_id"] = accepted->job.id;
           Response r = http::Json(202, body);
           r.headers.Set("Location", "/v1/voices/" + accepted->voice.id);
           return r;
         });
}

void ApiServer::ConsentStatement(Request& request, Responder respond) {
  auto name = request.Query("name");
  std::optional<std::string> speaker = name ? std::optional(std::string(*name)) : std::nullopt;
  std::string request_id = request.request_id;
  Authed(request, std::move(respond),
         [this, speaker, request_id](const Principal& who) -> Response {
           if (!speaker)
             return http::JsonError(400, "invalid_argument", "name is required", "name");
           auto as_route = [](Error e) {
             if (e.field == "speaker_name") e.field = "name";  // this route's parameter
             return FromError(e);
           };
           // Without a cloner no voice can be made: the statement alone, to read.
           if (!cloner_) {
             auto statement = voice::ConsentStatement(*speaker);
             if (!statement) return as_route(statement.error());
             return http::Json(200, {{"statement", *statement}, {"speaker_name", *speaker}});
           }
           json body = {{"speaker_name", *speaker}};
           std::string challenge;
           if (cloner_->config().require_consent && cloner_->config().require_challenge) {
             // A new one-time challenge per request, bound to the caller.
             auto issued = cloner_->IssueChallenge(*speaker, ActorOf(who, request_id));
             if (!issued) return as_route(issued.error());
             challenge = issued->challenge;
             body["challenge_id"] = issued->id;
             body["challenge"] = issued->challenge;
             body["expires_at"] = Iso8601(issued->expires_at);
           }
           auto statement = cloner_->ConsentStatement(*speaker, challenge);
           if (!statement) return as_route(statement.error());
           body["statement"] = *statement;
           return http::Json(200, body);
         });
}

void ApiServer::AddProtectedVoice(Request& request, Responder respond) {
  if (!IsMultipart(request)) return respond(NotMultipart());
  auto content_type = HeaderCopy(request, "Content-Type").value_or("");
  Authed(request, std::move(respond),
         [this, &request, content_type](const Principal& who) -> Response {
           if (!who.is_admin) return AdminOnly();
           if (!cloner_) return CloningUnavailable();
           auto form = ParseProtectedVoiceForm(request.Body(), content_type);
           if (!form) return FromError(form.error());
           auto added =
               cloner_->AddProtected(form->name, form->files, ActorOf(who, request.request_id));
           if (!added) return FromError(added.error());
           return http::Json(201, {{"id", added->id},
                                   {"name", added->name},
                                   {"created_at", Iso8601(added->created_at)}});
         });
}

void ApiServer::ListProtectedVoices(Request& request, Responder respond) {
  Authed(request, std::move(respond), [this](const Principal& who) -> Response {
    if (!who.is_admin) return AdminOnly();
    auto all = store_.ListProtectedVoices();
    if (!all) return FromError(all.error());
    json out = json::array();
    for (const auto& p : *all) {
      out.push_back({{"id", p.id},
                     {"name", p.name},
                     {"created_at", Iso8601(p.created_at)},
                     {"created_by", p.created_by ? json(*p.created_by) : json()}});
    }
    return http::Json(200, {{"protected_voices", out}});
  });
}

void ApiServer::RemoveProtectedVoice(Request& request, Responder respond) {
  std::string id(request.PathParam("id"));
  std::string request_id = request.request_id;
  Authed(request, std::move(respond), [this, id, request_id](const Principal& who) -> Response {
    if (!who.is_admin) return AdminOnly();
    if (!cloner_) return CloningUnavailable();
    auto removed = cloner_->RemoveProtected(id, ActorOf(who, request_id));
    if (!removed) return FromError(removed.error());
    return http::Text(204, "");
  });
}

}  // namespace vox::api
