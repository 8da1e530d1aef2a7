#include "store/usage_tags.h"

#include "common/utc_time.h"

namespace vox::store {

using nlohmann::json;

json UsageTags::ToJson() const {
  return {{"project", project}, {"key_id", key_id}, {"route", route}, {"voice_kind", voice_kind}};
}

std::optional<UsageTags> UsageTags::FromParams(const json& usage) {
  if (!usage.is_object()) return std::nullopt;
  UsageTags tags;
  tags.project = usage.value("project", "");
  tags.key_id = usage.value("key_id", "");
  tags.route = usage.value("route", "");
  tags.voice_kind = usage.value("voice_kind", "");
  if (tags.route.empty() || tags.voice_kind.empty()) return std::nullopt;
  return tags;
}

std::string_view VoiceKindOf(bool is_clone, std::string_view engine) {
  if (is_clone) return "clone";
  if (engine == "piper") return "piper";
  return "builtin";
}

std::string UsageDay(int64_t unix_ms) { return UtcDay(unix_ms); }

UsageDelta UsageDeltaOf(const std::string& user_id, const UsageTags& tags, int64_t at,
                        int64_t characters, double audio_seconds, int64_t requests) {
  return {.day = UsageDay(at),
          .user_id = user_id,
          .project = tags.project,
          .key_id = tags.key_id,
          .route = tags.route,
          .voice_kind = tags.voice_kind,
          .characters = characters,
          .audio_seconds = audio_seconds,
          .requests = requests};
}

Status Charge(UsageStore& store, const std::string& user_id, const UsageTags& tags, int64_t at,
              int64_t characters, double audio_seconds, int64_t requests) {
  return store.AddUsage(UsageDeltaOf(user_id, tags, at, characters, audio_seconds, requests));
}

Status ChargeJobAudio(UsageStore& store, const Job& job, double audio_seconds, int64_t at) {
  json params = json::parse(job.params, nullptr, false);
  std::optional<UsageTags> tags;
  if (params.is_object() && params.contains("usage")) tags = UsageTags::FromParams(params["usage"]);
  if (!tags) tags = UsageTags{"", "", "/v1/tts/synthesize", "builtin"};
  return Charge(store, job.user_id, *tags, at, 0, audio_seconds, 0);
}

}  // namespace vox::store
