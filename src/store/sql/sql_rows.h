// Column lists and row readers shared by every backend's queries, so every
// SELECT of a table reads the same columns in the same order.
#pragma once

#include "common/status.h"
#include "store/sql/sql_backend.h"
#include "store/types.h"

namespace vox::store::sql {

inline constexpr const char* kUserColumns = "id, name, plan, is_admin, created_at";
inline constexpr const char* kApiKeyColumns =
    "id, user_id, name, prefix, key_hash, created_at, revoked_at, last_used_at, scopes, project";
inline constexpr const char* kOAuthClientColumns =
    "id, user_id, name, secret_hash, scopes, project, created_at, revoked_at";
inline constexpr const char* kVoiceColumns =
    "id, user_id, name, kind, status, engine, base_voice, language, gender, metadata, "
    "created_at, updated_at, deleted_at";
inline constexpr const char* kModelColumns =
    "id, engine, name, version, tags, status, manifest, created_at, rollout, canary_weight";
inline constexpr const char* kJobColumns =
    "id, user_id, status, voice_id, model_version, text, params, format, webhook_url, "
    "idempotency_key, request_hash, cache_key, cache_hit, attempts, max_attempts, "
    "next_attempt_at, lease_owner, lease_expires_at, error_code, error_message, audio_key, "
    "audio_bytes, duration_s, created_at, started_at, finished_at, updated_at, voice_similarity, "
    "kind, audio_expired_at";
inline constexpr const char* kProtectedVoiceColumns = "id, name, embedding, created_by, created_at";
inline constexpr const char* kJobEventColumns = "id, job_id, status, at, attempt, message";
inline constexpr const char* kCacheColumns =
    "cache_key, audio_key, format, duration_s, audio_bytes, created_at, last_hit_at, hits";
inline constexpr const char* kAuditColumns =
    "id, at, actor_user_id, actor_key_id, action, target_type, target_id, request_id, detail, "
    "prev_hash, hash";

// Each reads row `r` of `s`, selected with the matching column list.
// They fail only on an enum value the schema's CHECKs should have prevented.
User ReadUser(const Rows& s, int r);
ApiKey ReadApiKey(const Rows& s, int r);
OAuthClient ReadOAuthClient(const Rows& s, int r);
Result<Voice> ReadVoice(const Rows& s, int r);
Result<Model> ReadModel(const Rows& s, int r);
Result<Job> ReadJob(const Rows& s, int r);
Result<JobEvent> ReadJobEvent(const Rows& s, int r);
CacheEntry ReadCacheEntry(const Rows& s, int r);
AuditEvent ReadAuditEvent(const Rows& s, int r);
ProtectedVoiceRecord ReadProtectedVoice(const Rows& s, int r);

}  // namespace vox::store::sql
