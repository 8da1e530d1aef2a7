#include "api/openai/voices_route.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <variant>

#include "api/api_responses.h"
#include "api/openai/openai_errors.h"
#include "api/openai/voice_forms.h"
#include "api/quota_errors.h"
#include "cloning/clone_metadata.h"
#include "cloning/voice_resolver.h"
#include "common/clock.h"
#include "obs/log.h"
#include "voice/preprocess.h"

namespace vox::api::openai {
namespace {

using http::Request;
using http::Responder;
using http::Response;
using nlohmann::json;

json ConsentJson(const ConsentRecord& r) {
  json out = {{"id", r.id},
              {"object", "audio.voice_consent"},
              {"name", r.name},
              {"language", r.language},
              {"created_at", r.created_at / 1000}};
  if (r.voice_id) out["voice_id"] = *r.voice_id;  // Vox: the voice it made
  return out;
}

// A custom voice as OpenAI shows one, plus Vox's status (and why, when rejected).
json VoiceJson(const store::Voice& v) {
  json out = {{"id", v.id},
              {"object", "audio.voice"},
              {"name", v.name},
              {"created_at", v.created_at / 1000},
              {"type", "audio_sample"},
              {"status", store::VoiceStatusName(v.status)}};
  const json metadata = cloning::PublicCloneMetadata(v.metadata);
  if (auto rejection = metadata.find("rejection"); rejection != metadata.end()) {
    out["error"] = {{"code", rejection->value("code", "")},
                    {"message", rejection->value("message", "")}};
  }
  return out;
}

// OpenAI's list object.
json ListJson(json data, bool has_more) {
  json first = data.empty() ? json(nullptr) : data.front()["id"];
  json last = data.empty() ? json(nullptr) : data.back()["id"];
  return {{"object", "list"},
          {"data", std::move(data)},
          {"first_id", std::move(first)},
          {"last_id", std::move(last)},
          {"has_more", has_more}};
}

// Deleted and revoked voices are gone, as OpenAI's deleted voices are.
bool Listed(const store::Voice& v) {
  return v.status != store::VoiceStatus::kDeleted && v.status != store::VoiceStatus::kRevoked;
}

Response NotFound404(std::string_view code, std::string_view param, const std::string& message) {
  return OpenAiError(404, "invalid_request_error", code, param, message);
}

Response CloningUnavailable() {
  Response r = OpenAiError(503, "server_error", "", "",
                           "Voice cloning is not available on this server (the speech recognizer "
                           "for consent checks could not be loaded).");
  r.headers.Set("Retry-After", "30");
  return r;
}

// The native cloning errors in the OpenAI form's terms.
Error InFormTerms(Error e) {
  if (e.field == "files") e.field = "audio_sample";
  if (e.field == "consent_audio" || e.field == "speaker_name" || e.field == "challenge_id") {
    e.field = "consent";
  }
  return e;
}

Response CreationError(const Error& e) {
  // Too many creations in progress (not the plan's quota): wait, as for a rate.
  if (e.code == ErrorCode::kResourceExhausted && !IsQuotaExceeded(e)) {
    Response r = OpenAiError(429, "requests", "rate_limit_exceeded", "", e.message);
    r.headers.Set("Retry-After", "5");
    return r;
  }
  return OpenAiErrorResponse(InFormTerms(e));
}

// A recording decoded under the cloner's limits, so what is not audio is refused now, before
// anything is stored or a consent is used.
Status CheckAudio(const cloning::VoiceCloner& cloner, const cloning::UploadedAudio& audio,
                  std::string_view field, double max_seconds) {
  cloning::UploadLimits limits;
  limits.max_file_bytes = cloner.config().max_file_bytes;
  limits.max_seconds = max_seconds;
  const cloning::UploadedAudio files[] = {audio};
  VOX_ASSIGN_OR_RETURN(auto decoded, cloning::DecodeUploads(files, field, limits));
  if (decoded.empty() || decoded.front().frames() == 0) {
    return std::unexpected(
        OpenAiInvalid(field, "invalid_value", "'" + std::string(field) + "' holds no audio."));
  }
  return {};
}

const char* AcceptanceOutcome(const Error& e) {
  if (e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kUnprocessable ||
      e.code == ErrorCode::kNotFound || e.code == ErrorCode::kFailedPrecondition) {
    return "invalid";
  }
  if (e.code == ErrorCode::kResourceExhausted || e.code == ErrorCode::kUnavailable) return "busy";
  return "error";
}

}  // namespace

void VoicesRoute::Authed(Request& request, Responder respond,
                         std::function<Response(const Principal&)> work) {
  d_.post([this, authorization = HeaderCopy(request, "Authorization"),
           scope = d_.scopes.For(request), request_id = request.request_id,
           respond = std::move(respond), work = std::move(work)] {
    obs::LogContext context(request_id, "");
    try {
      auto who = d_.auth.Authorize(authorization, scope);
      if (!who) return respond(OpenAiRefusal(who.error()));
      Response response = work(*who);
      response.log_principal = who->key_id;
      respond(std::move(response));
    } catch (const std::exception& e) {
      spdlog::error("openai voices route threw: {}", e.what());
      respond(OpenAiError(500, "server_error", "", "", "The server had an error."));
    }
  });
}

void VoicesRoute::Audit(const Principal& who, const std::string& request_id, std::string action,
                        const std::string& consent_id, json detail) {
  store::AuditEvent event;
  event.at = NowMs();
  event.actor_user_id = who.user_id;
  event.actor_key_id = who.key_id;
  event.action = std::move(action);
  event.target_type = "voice_consent";
  event.target_id = consent_id;
  event.request_id = request_id;
  event.detail = detail.dump();
  if (auto appended = d_.store.AppendAudit(event); !appended) {
    spdlog::error("audit {} {}: {}", event.action, consent_id, appended.error().message);
  }
}

void VoicesRoute::CreateConsent(Request& request, Responder respond) {
  Authed(request, std::move(respond), [this, &request](const Principal& who) -> Response {
    if (auto limited = OpenAiRateCheck(d_.limiter, who)) return std::move(*limited);
    if (d_.cloner == nullptr) return CloningUnavailable();
    auto form = ParseConsentForm(request.Body(), request.Header("Content-Type").value_or(""));
    if (!form) return OpenAiErrorResponse(form.error());
    // The name is the one the speaker reads in Vox's statement: it must make one.
    if (auto statement = d_.cloner->ConsentStatement(form->name); !statement) {
      return OpenAiErrorResponse(OpenAiInvalid("name", "invalid_value", statement.error().message));
    }
    const double max_seconds = voice::PreprocessOptions::ForConsent().max_input_seconds;
    if (auto audio = CheckAudio(*d_.cloner, form->recording, "recording", max_seconds); !audio) {
      return OpenAiErrorResponse(audio.error());
    }
    // The recording reads a statement that ends with a one-time challenge issued to this
    // caller for this name (GET /v1/voice/consent-statement?name=…); it is spent when a voice
    // uses this consent.
    const auto& config = d_.cloner->config();
    if (config.require_consent && config.require_challenge) {
      if (form->challenge_id.empty()) {
        return OpenAiErrorResponse(OpenAiInvalid(
            "challenge_id", "missing_required_parameter",
            "Missing required parameter: 'challenge_id' (Vox: the id GET "
            "/v1/voice/consent-statement?name=… returned with the statement the recording "
            "reads)."));
      }
      auto issued = d_.store.GetConsentChallenge(form->challenge_id, who.user_id);
      if (!issued && issued.error().code == ErrorCode::kNotFound) {
        return OpenAiErrorResponse(
            OpenAiInvalid("challenge_id", "challenge_not_found", issued.error().message));
      }
      if (!issued) return OpenAiErrorResponse(issued.error());
      if (issued->used_at) {
        return OpenAiErrorResponse(OpenAiInvalid(
            "challenge_id", "challenge_already_used",
            "Consent challenge '" + issued->id + "' was already used; request a new one."));
      }
      if (issued->expires_at <= NowMs()) {
        return OpenAiErrorResponse(
            OpenAiInvalid("challenge_id", "challenge_expired",
                          "Consent challenge '" + issued->id + "' expired; request a new one."));
      }
      if (*d_.cloner->ConsentStatement(issued->speaker_name) !=
          *d_.cloner->ConsentStatement(form->name)) {
        return OpenAiErrorResponse(OpenAiInvalid(
            "name", "invalid_value",
            "Consent challenge '" + issued->id + "' was issued for another speaker's name."));
      }
    }
    auto created = consents_.Create(
        who.user_id, form->name, form->language, form->recording.bytes, NowMs(),
        form->challenge_id.empty() ? std::nullopt : std::optional(form->challenge_id));
    if (!created) return OpenAiErrorResponse(created.error());
    Audit(who, request.request_id, "voice_consent.create", created->id,
          {{"route", "/v1/audio/voice_consents"},
           {"language", created->language},
           {"bytes", form->recording.bytes.size()}});
    return http::Json(200, ConsentJson(*created));
  });
}

void VoicesRoute::ListConsents(Request& request, Responder respond) {
  std::optional<std::string> limit_given, after;
  if (auto v = request.Query("limit")) limit_given = std::string(*v);
  if (auto v = request.Query("after")) after = std::string(*v);
  Authed(request, std::move(respond), [this, limit_given, after](const Principal& who) -> Response {
    int limit = 20;
    if (limit_given) {
      const char* end = limit_given->data() + limit_given->size();
      auto [stop, ec] = std::from_chars(limit_given->data(), end, limit);
      if (ec != std::errc() || stop != end || limit < 1 || limit > 100) {
        return OpenAiErrorResponse(
            OpenAiInvalid("limit", "invalid_value", "'limit' must be an integer from 1 to 100."));
      }
    }
    auto all = consents_.List(who.user_id);
    if (!all) return OpenAiErrorResponse(all.error());
    auto it = all->begin();
    if (after) {
      it = std::ranges::find(*all, *after, &ConsentRecord::id);
      if (it == all->end()) {
        return OpenAiErrorResponse(
            OpenAiInvalid("after", "invalid_value", "No consent recording '" + *after + "'."));
      }
      ++it;
    }
    json data = json::array();
    for (; it != all->end() && std::ssize(data) < limit; ++it) data.push_back(ConsentJson(*it));
    const bool more = it != all->end();
    return http::Json(200, ListJson(std::move(data), more));
  });
}

void VoicesRoute::GetConsent(Request& request, Responder respond) {
  std::string id(request.PathParam("consent_id"));
  Authed(request, std::move(respond), [this, id](const Principal& who) -> Response {
    auto record = consents_.Get(who.user_id, id);
    if (!record && record.error().code == ErrorCode::kNotFound) {
      return NotFound404("consent_not_found", "consent_id", record.error().message);
    }
    if (!record) return OpenAiErrorResponse(record.error());
    return http::Json(200, ConsentJson(*record));
  });
}

void VoicesRoute::DeleteConsent(Request& request, Responder respond) {
  std::string id(request.PathParam("consent_id"));
  Authed(request, std::move(respond), [this, id, &request](const Principal& who) -> Response {
    auto deleted = consents_.Delete(who.user_id, id);
    if (!deleted && deleted.error().code == ErrorCode::kNotFound) {
      return NotFound404("consent_not_found", "consent_id", deleted.error().message);
    }
    if (!deleted) return OpenAiErrorResponse(deleted.error());
    Audit(who, request.request_id, "voice_consent.delete", id,
          {{"route", "/v1/audio/voice_consents/{consent_id}"}});
    return http::Json(200, {{"id", id}, {"object", "audio.voice_consent"}, {"deleted", true}});
  });
}

void VoicesRoute::CreateVoice(Request& request, Responder respond) {
  Authed(request, std::move(respond), [this, &request](const Principal& who) -> Response {
    if (auto limited = OpenAiRateCheck(d_.limiter, who)) return std::move(*limited);
    if (d_.cloner == nullptr) return CloningUnavailable();
    return SubmitVoice(who, request.request_id, request.Body(),
                       request.Header("Content-Type").value_or(""));
  });
}

Response VoicesRoute::SubmitVoice(const Principal& who, const std::string& request_id,
                                  std::string_view body, std::string_view content_type) {
  auto refuse = [this](const Error& e) {
    d_.voice_creations.With({AcceptanceOutcome(e)}).Inc();
    return CreationError(e);
  };
  auto form = ParseVoiceForm(body, content_type);
  if (!form) return refuse(form.error());
  auto claim = consents_.TryClaim(form->consent);
  if (!claim) return refuse(OpenAiInvalid("consent", "consent_in_use", claim.error().message));
  auto consent = consents_.Get(who.user_id, form->consent);
  if (!consent && consent.error().code == ErrorCode::kNotFound) {
    return refuse(OpenAiInvalid("consent", "consent_not_found", consent.error().message));
  }
  if (!consent) return refuse(consent.error());
  auto recording = consents_.Recording(who.user_id, *consent);
  if (!recording && recording.error().code == ErrorCode::kFailedPrecondition) {
    return refuse(OpenAiInvalid("consent", "consent_already_used", recording.error().message));
  }
  if (!recording) return refuse(recording.error());
  const double max_seconds = d_.cloner->config().preprocess.max_input_seconds;
  if (auto audio = CheckAudio(*d_.cloner, form->audio_sample, "audio_sample", max_seconds);
      !audio) {
    return refuse(audio.error());
  }

  cloning::CloneInput input;
  input.name = form->name;
  input.speaker_name = consent->name;
  input.files.push_back(form->audio_sample);
  input.consent_audio = cloning::UploadedAudio{consent->id, *recording};
  input.challenge_id = consent->challenge_id.value_or("");
  auto accepted = d_.jobs.SubmitVoiceCreation(
      *d_.cloner, input, cloning::Actor{who.user_id, who.key_id, request_id, "api"});
  if (!accepted) return refuse(accepted.error());
  d_.voice_creations.With({"accepted"}).Inc();
  // The creation job holds its own copy of the recording now; this one goes.
  if (auto used = consents_.MarkUsed(who.user_id, *consent, accepted->voice.id); !used) {
    spdlog::error("consent {}: not marked used by voice {}: {}", consent->id, accepted->voice.id,
                  used.error().message);
  }
  Audit(who, request_id, "voice_consent.use", consent->id,
        {{"route", "/v1/audio/voices"},
         {"voice_id", accepted->voice.id},
         {"job_id", accepted->job.id}});
  Response r = http::Json(200, VoiceJson(accepted->voice));
  r.headers.Set("Location", "/v1/audio/voices/" + accepted->voice.id);
  return r;
}

void VoicesRoute::ListVoices(Request& request, Responder respond) {
  Authed(request, std::move(respond), [this](const Principal& who) -> Response {
    auto voices = d_.store.ListVoices(who.user_id, /*include_builtin=*/false);
    if (!voices) return OpenAiErrorResponse(voices.error());
    json data = json::array();
    for (const auto& v : *voices) {
      if (Listed(v)) data.push_back(VoiceJson(v));
    }
    return http::Json(200, ListJson(std::move(data), /*has_more=*/false));
  });
}

// The caller's custom voice `id` (any clone for an admin), or the response that says why not:
// built-in ids, other users' clones and deleted or revoked ones are 404s, as OpenAI's deleted
// voices are.
std::variant<store::Voice, Response> VoicesRoute::CustomVoice(const Principal& who,
                                                              const std::string& id) {
  auto voice = cloning::VoiceResolver(d_.store).ForManagement(
      id, cloning::Caller{who.user_id, who.is_admin});
  if (!voice && voice.error().code != ErrorCode::kNotFound) {
    return OpenAiErrorResponse(voice.error());
  }
  if (!voice || !*voice || !Listed(**voice)) {
    return NotFound404("voice_not_found", "voice_id",
                       "No custom voice found with id '" + id + "'.");
  }
  return std::move(**voice);
}

void VoicesRoute::GetVoice(Request& request, Responder respond) {
  std::string id(request.PathParam("voice_id"));
  Authed(request, std::move(respond), [this, id](const Principal& who) -> Response {
    auto voice = CustomVoice(who, id);
    if (auto* refused = std::get_if<Response>(&voice)) return std::move(*refused);
    return http::Json(200, VoiceJson(std::get<store::Voice>(voice)));
  });
}

void VoicesRoute::DeleteVoice(Request& request, Responder respond) {
  std::string id(request.PathParam("voice_id"));
  Authed(request, std::move(respond), [this, id, &request](const Principal& who) -> Response {
    if (d_.cloner == nullptr) return CloningUnavailable();
    auto voice = CustomVoice(who, id);  // deleting a deleted voice is a 404, as OpenAI's
    if (auto* refused = std::get_if<Response>(&voice)) return std::move(*refused);
    auto deleted = d_.cloner->Delete(
        id, cloning::Actor{who.user_id, who.key_id, request.request_id, "api"}, who.is_admin);
    if (!deleted) return OpenAiErrorResponse(deleted.error());
    return http::Json(200, {{"id", id}, {"object", "audio.voice.deleted"}, {"deleted", true}});
  });
}

}  // namespace vox::api::openai
