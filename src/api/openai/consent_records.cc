#include "api/openai/consent_records.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/uuid.h"

namespace vox::api::openai {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "cons_";

std::string Dir(const std::string& user_id) { return "openai/consents/" + user_id + "/"; }
std::string RecordKey(const std::string& user_id, std::string_view id) {
  return Dir(user_id) + std::string(id) + ".json";
}
std::string AudioKey(const std::string& user_id, std::string_view id) {
  return Dir(user_id) + std::string(id) + ".audio";
}

std::unexpected<Error> NoSuchConsent(std::string_view id) {
  return NotFound("No consent recording found with id '" + std::string(id) + "'.", "consent");
}

Result<ConsentRecord> FromJson(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  try {
    ConsentRecord r;
    r.id = j.at("id").get<std::string>();
    r.name = j.at("name").get<std::string>();
    r.language = j.at("language").get<std::string>();
    r.created_at = j.at("created_at").get<int64_t>();
    if (j.contains("voice_id")) r.voice_id = j["voice_id"].get<std::string>();
    if (j.contains("challenge_id")) r.challenge_id = j["challenge_id"].get<std::string>();
    return r;
  } catch (const json::exception& e) {
    return Internal(std::string("a consent record is malformed: ") + e.what());
  }
}

}  // namespace

bool IsConsentId(std::string_view id) {
  if (!id.starts_with(kPrefix) || id.size() != kPrefix.size() + 32) return false;
  return std::ranges::all_of(id.substr(kPrefix.size()), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

Status ConsentRecords::Write(const std::string& user_id, const ConsentRecord& r) {
  json j = {{"id", r.id}, {"name", r.name}, {"language", r.language}, {"created_at", r.created_at}};
  if (r.voice_id) j["voice_id"] = *r.voice_id;
  if (r.challenge_id) j["challenge_id"] = *r.challenge_id;
  return blobs_.Put(RecordKey(user_id, r.id), j.dump(), "application/json");
}

Result<ConsentRecord> ConsentRecords::Create(const std::string& user_id, std::string name,
                                             std::string language, std::string_view recording,
                                             int64_t now_ms,
                                             std::optional<std::string> challenge_id) {
  std::string hex = NewUuid();
  std::erase(hex, '-');
  ConsentRecord record{
      std::string(kPrefix) + hex, std::move(name), std::move(language), now_ms, std::nullopt,
      std::move(challenge_id)};
  VOX_RETURN_IF_ERROR(
      blobs_.Put(AudioKey(user_id, record.id), recording, "application/octet-stream"));
  if (auto written = Write(user_id, record); !written) {
    (void)blobs_.Delete(AudioKey(user_id, record.id));
    return std::unexpected(written.error());
  }
  return record;
}

Result<ConsentRecord> ConsentRecords::Get(const std::string& user_id, std::string_view id) {
  if (!IsConsentId(id)) return NoSuchConsent(id);
  auto text = blobs_.Get(RecordKey(user_id, id));
  if (!text && text.error().code == ErrorCode::kNotFound) return NoSuchConsent(id);
  if (!text) return std::unexpected(text.error());
  return FromJson(*text);
}

Result<std::vector<ConsentRecord>> ConsentRecords::List(const std::string& user_id) {
  VOX_ASSIGN_OR_RETURN(auto keys, blobs_.List(Dir(user_id)));
  std::vector<ConsentRecord> out;
  for (const std::string& key : keys) {
    if (!key.ends_with(".json")) continue;
    auto text = blobs_.Get(key);
    if (!text && text.error().code == ErrorCode::kNotFound) continue;  // deleted meanwhile
    if (!text) return std::unexpected(text.error());
    VOX_ASSIGN_OR_RETURN(auto record, FromJson(*text));
    out.push_back(std::move(record));
  }
  std::ranges::sort(out, [](const ConsentRecord& a, const ConsentRecord& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  return out;
}

Result<std::string> ConsentRecords::Recording(const std::string& user_id,
                                              const ConsentRecord& record) {
  auto used = [&] {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "Consent recording '" + record.id + "' was already used to create voice '" +
                         record.voice_id.value_or("") + "'; upload a new consent recording.",
                     "consent");
  };
  if (record.voice_id) return used();
  auto audio = blobs_.Get(AudioKey(user_id, record.id));
  if (!audio && audio.error().code == ErrorCode::kNotFound) return used();
  return audio;
}

Status ConsentRecords::MarkUsed(const std::string& user_id, ConsentRecord record,
                                const std::string& voice_id) {
  record.voice_id = voice_id;
  VOX_RETURN_IF_ERROR(Write(user_id, record));
  return blobs_.Delete(AudioKey(user_id, record.id));
}

Status ConsentRecords::Delete(const std::string& user_id, std::string_view id) {
  VOX_ASSIGN_OR_RETURN(auto record, Get(user_id, id));
  // The recording first, so no recording is ever left without its record.
  VOX_RETURN_IF_ERROR(blobs_.Delete(AudioKey(user_id, record.id)));
  return blobs_.Delete(RecordKey(user_id, record.id));
}

ConsentRecords::Claim::~Claim() {
  if (records_ == nullptr) return;
  std::lock_guard lock(records_->mu_);
  records_->claimed_.erase(id_);
}

Result<ConsentRecords::Claim> ConsentRecords::TryClaim(const std::string& id) {
  std::lock_guard lock(mu_);
  if (!claimed_.insert(id).second) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "Consent recording '" + id + "' is being used by another voice creation.",
                     "consent");
  }
  return Claim(*this, id);
}

}  // namespace vox::api::openai
