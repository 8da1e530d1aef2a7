#include "api/elevenlabs/catalog_route.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/api_responses.h"
#include "api/elevenlabs/elevenlabs_errors.h"
#include "api/elevenlabs/tts_request.h"
#include "api/elevenlabs/tts_route.h"
#include "cloning/voice_resolver.h"
#include "common/uuid.h"
#include "http/multipart.h"
#include "text/utf8.h"

namespace vox::api::elevenlabs {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

constexpr int kVoiceLimit = 1000;  // clones a user may keep when the plan sets no voice slots

// "en-US" -> "en".
std::string LanguageOf(std::string_view tag) {
  return std::string(tag.substr(0, tag.find_first_of("-_")));
}

json BuiltinVoice(const engines::VoiceInfo& v) {
  return {{"voice_id", v.id},
          {"name", v.id},
          {"category", "premade"},
          {"description", v.description},
          {"labels",
           {{"language", LanguageOf(v.language)},
            {"locale", v.language},
            {"gender", v.gender},
            {"engine", v.engine}}},
          {"samples", json::array()},
          {"available_for_tiers", json::array()},
          {"high_quality_base_model_ids", json::array()},
          {"is_owner", false},
          {"voice_verification",
           {{"requires_verification", false},
            {"is_verified", true},
            {"verification_failures", json::array()},
            {"verification_attempts_count", 0}}}};
}

json CloneVoice(const store::Voice& v) {
  json meta = json::parse(v.metadata, nullptr, false);
  if (!meta.is_object()) meta = json::object();
  const bool ready = v.status == store::VoiceStatus::kReady;
  json labels = {{"language", LanguageOf(v.language)},
                 {"status", store::VoiceStatusName(v.status)}};
  // Vox keeps labels as strings; "key=value" ones (from /v1/voices/add) become ElevenLabs'.
  if (meta.contains("labels") && meta["labels"].is_array()) {
    for (const json& label : meta["labels"]) {
      if (!label.is_string()) continue;
      const std::string l = label.get<std::string>();
      const size_t eq = l.find('=');
      labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
    }
  }
  json out = {{"voice_id", v.id},
              {"name", v.name},
              {"category", "cloned"},
              {"description", meta.value("description", "")},
              {"labels", labels},
              {"samples", json::array()},
              {"available_for_tiers", json::array()},
              {"high_quality_base_model_ids", json::array()},
              {"is_owner", true},
              {"created_at_unix", v.created_at / 1000},
              {"voice_verification",
               {{"requires_verification", !ready},
                {"is_verified", ready},
                {"verification_failures", json::array()},
                {"verification_attempts_count", 0}}}};
  return out;
}

// A clone ElevenLabs clients may see: not deleted, and its consent not revoked
// (a revoked voice's row is Vox's record, not a voice; DELETE still removes it).
bool Usable(const store::Voice& v) {
  return v.status != store::VoiceStatus::kDeleted && v.status != store::VoiceStatus::kRevoked;
}

Response NoSuchVoice(const std::string& id) {
  return DetailError(404, "voice_not_found",
                     "A voice with the voice_id " + id.substr(0, 128) + " was not found.");
}

}  // namespace

bool IsElevenLabsRequest(const Request& request) {
  return request.Header("xi-api-key").has_value() && !request.Header("Authorization").has_value();
}

void CatalogRoute::Authed(Request& request, Scope scope, http::Responder respond,
                          std::function<Response(const Principal&)> work) {
  post_(
      [this, scope, key = XiApiKey(request), respond = std::move(respond), work = std::move(work)] {
        try {
          auto who = auth_.Authorize(key, scope);
          if (!who) return respond(ErrorResponse(who.error()));
          Response r = work(*who);
          r.log_principal = who->key_id;
          respond(std::move(r));
        } catch (const std::exception& e) {
          spdlog::error("elevenlabs catalog threw: {}", e.what());
          respond(DetailError(500, "internal_error", "internal error"));
        }
      });
}

void CatalogRoute::ListVoices(Request& request, http::Responder respond) {
  Authed(request, Scope::kVoicesRead, std::move(respond), [this](const Principal& who) -> Response {
    json voices = json::array();
    for (const auto& v : engines_.ListVoices()) voices.push_back(BuiltinVoice(v));
    auto clones = store_.ListVoices(who.user_id, /*include_builtin=*/false);
    if (!clones) return ErrorResponse(clones.error());
    for (const auto& v : *clones) {
      if (Usable(v)) voices.push_back(CloneVoice(v));
    }
    return http::Json(200, {{"voices", voices}, {"has_more", false}});
  });
}

void CatalogRoute::GetVoice(Request& request, http::Responder respond) {
  std::string id(request.PathParam("voice_id"));
  Authed(request, Scope::kVoicesRead, std::move(respond),
         [this, id](const Principal& who) -> Response {
           auto clone = cloning::VoiceResolver(store_).ForManagement(
               id, cloning::Caller{who.user_id, who.is_admin});
           if (!clone) {
             return clone.error().code == ErrorCode::kNotFound ? NoSuchVoice(id)
                                                               : ErrorResponse(clone.error());
           }
           if (*clone) {
             // ElevenLabs has no deleted or revoked voices: gone is gone.
             if (!Usable(**clone)) return NoSuchVoice(id);
             return http::Json(200, CloneVoice(**clone));
           }
           auto builtin = engines_.FindVoice(id);
           if (!builtin) return NoSuchVoice(id);
           return http::Json(200, BuiltinVoice(builtin->voice));
         });
}

void CatalogRoute::DeleteVoice(Request& request, http::Responder respond) {
  std::string id(request.PathParam("voice_id"));
  std::string request_id = request.request_id;
  Authed(request, Scope::kVoicesWrite, std::move(respond),
         [this, id, request_id](const Principal& who) -> Response {
           if (cloner_ == nullptr) {
             return DetailError(503, "system_busy",
                                "voice cloning is not available on this server");
           }
           auto deleted = cloner_->Delete(
               id, cloning::Actor{who.user_id, who.key_id, request_id, "elevenlabs"}, who.is_admin);
           if (!deleted) {
             return deleted.error().code == ErrorCode::kNotFound ? NoSuchVoice(id)
                                                                 : ErrorResponse(deleted.error());
           }
           return http::Json(200, {{"status", "ok"}});
         });
}

void CatalogRoute::AddVoice(Request& request, http::Responder respond) {
  std::string content_type(request.Header("Content-Type").value_or(""));
  Authed(request, Scope::kVoicesWrite, std::move(respond),
         [this, &request, content_type](const Principal& who) -> Response {
           int retry_after = 1;
           if (!limiter_.Allow(who, &retry_after)) {
             Response r =
                 DetailError(429, "too_many_concurrent_requests", "Too many requests; slow down.");
             r.headers.Set("Retry-After", std::to_string(retry_after));
             return r;
           }
           auto parts = http::ParseMultipart(request.Body(), content_type);
           if (!parts)
             return ErrorResponse({ErrorCode::kInvalidArgument, parts.error().message, ""});
           std::string name, description;
           json labels = json::array();
           int files = 0;
           for (const auto& part : *parts) {
             if (part.name == "name") name = std::string(part.content);
             if (part.name == "description") description = std::string(part.content);
             if (part.name == "files" && part.filename && !part.content.empty()) ++files;
             if (part.name == "labels") {
               const json given = json::parse(part.content, nullptr, false);
               if (!given.is_object()) {
                 return ErrorResponse({ErrorCode::kInvalidArgument,
                                       "labels must be a JSON object of strings", "labels"});
               }
               for (const auto& [k, v] : given.items()) {
                 if (v.is_string()) labels.push_back(k + "=" + v.get<std::string>());
               }
             }
           }
           if (name.empty() || name.size() > 256 || !text::ValidateUtf8(name)) {
             return ErrorResponse({ErrorCode::kInvalidArgument, "Field required", "name"});
           }
           if (files == 0) {
             return ErrorResponse(
                 {ErrorCode::kInvalidArgument, "at least one recording is required", "files"});
           }
           if (!text::ValidateUtf8(description)) description.clear();
           const int64_t now = NowMs();
           store::Voice voice;
           voice.id = NewUuid();
           voice.user_id = who.user_id;
           voice.name = name;
           voice.kind = store::VoiceKind::kClone;
           voice.status = store::VoiceStatus::kRejected;
           voice.engine = "flite";
           voice.language = "en-US";
           voice.metadata = json{
               {"description", description},
               {"labels", labels},
               {"rejection",
                {{"code", "consent_required"},
                 {"field", "consent_audio"},
                 {"message",
                  "Vox clones a voice only with the speaker's recorded consent; upload the "
                  "recordings with consent_audio to POST /v1/voice/create"},
                 {"at", now}}}}.dump(-1, ' ', false, json::error_handler_t::replace);
           voice.created_at = voice.updated_at = now;
           auto created = store_.CreateVoice(voice);
           if (!created) return ErrorResponse(created.error());
           store::AuditEvent audit;
           audit.at = now;
           audit.actor_user_id = who.user_id;
           audit.actor_key_id = who.key_id;
           audit.action = "voice.create.consent_required";
           audit.target_type = "voice";
           audit.target_id = voice.id;
           audit.request_id = request.request_id;
           audit.detail = json{{"route", "/v1/voices/add"}, {"files", files}}.dump();
           (void)store_.AppendAudit(audit);
           return http::Json(200, {{"voice_id", voice.id}, {"requires_verification", true}});
         });
}

void CatalogRoute::ListModels(Request& request, http::Responder respond) {
  Authed(request, Scope::kTtsRead, std::move(respond), [](const Principal&) -> Response {
    json models = json::array();
    for (const ModelInfo& m : Models()) {
      json languages = json::array({{{"language_id", "en"}, {"name", "English"}}});
      if (m.multilingual) {
        languages.push_back({{"language_id", "de"}, {"name", "German"}});
        languages.push_back({{"language_id", "fr"}, {"name", "French"}});
        languages.push_back({{"language_id", "es"}, {"name", "Spanish"}});
      }
      models.push_back({{"model_id", m.id},
                        {"name", m.name},
                        {"description", "Runs on the voice's own Vox engine."},
                        {"can_be_finetuned", false},
                        {"can_do_text_to_speech", true},
                        {"can_do_voice_conversion", false},
                        {"can_use_style", false},
                        {"can_use_speaker_boost", false},
                        {"serves_pro_voices", false},
                        {"token_cost_factor", 1.0},
                        {"requires_alpha_access", false},
                        {"max_characters_request_free_user", kMaxTextChars},
                        {"max_characters_request_subscribed_user", kMaxTextChars},
                        {"maximum_text_length_per_request", kMaxTextChars},
                        {"languages", languages}});
    }
    return http::Json(200, models);
  });
}

void CatalogRoute::Subscription(Request& request, http::Responder respond) {
  Authed(request, Scope::kTtsRead, std::move(respond), [this](const Principal& who) -> Response {
    if (meter_ == nullptr) return DetailError(503, "system_busy", "usage is not metered here");
    auto user = store_.GetUser(who.user_id);
    if (!user) return ErrorResponse(user.error());
    auto usage = meter_->Report(who);
    if (!usage) return ErrorResponse(usage.error());
    const int64_t characters = (*usage)["characters"].get<int64_t>();
    const json& limit = (*usage)["limit"];
    // No limit: the largest count an int32 client can hold.
    const int64_t character_limit = limit["monthly_characters"].is_null()
                                        ? 2147483647
                                        : limit["monthly_characters"].get<int64_t>();
    const int64_t voice_limit =
        limit["voice_slots"].is_null() ? kVoiceLimit : limit["voice_slots"].get<int64_t>();
    const int64_t resets_s = UsagePeriod::Of(NowMs()).resets_ms / 1000;
    auto clones = store_.ListVoices(who.user_id, /*include_builtin=*/false);
    if (!clones) return ErrorResponse(clones.error());
    int64_t slots = 0;
    for (const auto& v : *clones) slots += Usable(v);
    json price = {{"amount", "0"}, {"currency", "usd"}};
    return http::Json(200, {{"tier", user->plan},
                            {"character_count", characters},
                            {"character_limit", character_limit},
                            {"max_character_limit_extension", 0},
                            {"max_credit_limit_extension", 0},
                            {"can_extend_character_limit", false},
                            {"allowed_to_extend_character_limit", false},
                            {"next_character_count_reset_unix", resets_s},
                            {"voice_slots_used", slots},
                            {"professional_voice_slots_used", 0},
                            {"professional_voice_slots_used_in_workspace", 0},
                            {"voice_limit", voice_limit},
                            {"max_voice_add_edits", voice_limit},
                            {"voice_add_edit_counter", slots},
                            {"professional_voice_limit", 0},
                            {"can_extend_voice_limit", false},
                            {"can_use_instant_voice_cloning", cloner_ != nullptr},
                            {"can_use_professional_voice_cloning", false},
                            {"currency", "usd"},
                            {"current_overage", price},
                            {"status", "active"},
                            {"billing_period", "monthly_period"},
                            {"character_refresh_period", "monthly_period"},
                            {"open_invoices", json::array()},
                            {"has_open_invoices", false}});
  });
}

}  // namespace vox::api::elevenlabs
