// Rows of the Vox schema as plain structs, shared by every Store backend.
//
// Conventions: ids are UUID v4 strings (a Create* call fills an empty id);
// timestamps are int64 milliseconds since the Unix epoch (a Create* call fills
// a zero created_at/updated_at with the current time); JSON columns are
// std::string holding JSON text that the store passes through untouched;
// nullable columns are std::optional.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/job_status.h"

namespace vox::store {

struct User {
  std::string id;
  std::string name;
  std::string plan = "free";
  bool is_admin = false;
  int64_t created_at = 0;
};

// An API key as stored: only a hash of the secret, never the secret itself
// (the API layer hashes; the store never sees plaintext).
struct ApiKey {
  std::string id;
  std::string user_id;
  std::string name;
  std::string prefix;  // the first characters of the key, shown in listings
  std::string key_hash;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
  std::optional<int64_t> last_used_at;
  // Space-separated scope names ("tts:read voices:read"); the API gives them
  // meaning (api/scopes.h), the store passes them through.
  std::string scopes;
  std::optional<std::string> project;  // usage is also reported per project

  bool revoked() const { return revoked_at.has_value(); }
};

// An OAuth2 client (client credentials grant): its id is the public client_id;
// only a hash of its secret is stored, as for API keys.
struct OAuthClient {
  std::string id;
  std::string user_id;  // tokens issued to the client act as this user
  std::string name;
  std::string secret_hash;
  std::string scopes;  // the most a token may carry, space-separated
  std::optional<std::string> project;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;

  bool revoked() const { return revoked_at.has_value(); }
};

enum class VoiceKind { kBuiltin, kClone };
// revoked: its speaker's consent was withdrawn; the row stays, its biometric data does not.
enum class VoiceStatus { kProcessing, kReady, kRejected, kDeleted, kRevoked };

std::string_view VoiceKindName(VoiceKind kind);  // "builtin" | "clone"
Result<VoiceKind> ParseVoiceKind(std::string_view name);
std::string_view VoiceStatusName(VoiceStatus status);  // "processing" | "ready" | ...
Result<VoiceStatus> ParseVoiceStatus(std::string_view name);

struct Voice {
  std::string id;
  std::optional<std::string> user_id;  // nullopt for built-in voices
  std::string name;
  VoiceKind kind = VoiceKind::kClone;
  VoiceStatus status = VoiceStatus::kProcessing;
  std::string engine;
  std::string base_voice;
  std::string language;
  std::string gender;
  std::string metadata = "{}";  // JSON object
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> deleted_at;
};

// Fields UpdateVoice may change; unset fields keep their value.
struct VoiceUpdate {
  std::string id;
  std::optional<VoiceStatus> status;
  // When set, the update applies only while the voice has this status
  // (kFailedPrecondition otherwise): a voice being created is finished once.
  std::optional<VoiceStatus> only_if;
  std::optional<std::string> metadata;
  int64_t at = 0;  // becomes updated_at (0 = now)
};

// A voice nobody may clone (e.g. a public figure's): uploads whose speaker
// embedding is too close to one of these are rejected. Admin-curated.
struct ProtectedVoiceRecord {
  std::string id;
  std::string name;
  std::string embedding = "{}";  // JSON (the cloning module's format), passed through untouched
  std::optional<std::string> created_by;  // a user id; not a foreign key (see migrations)
  int64_t created_at = 0;
};

enum class ModelStatus { kActive, kCanary, kRetired };
std::string_view ModelStatusName(ModelStatus status);  // "active" | "canary" | "retired"
Result<ModelStatus> ParseModelStatus(std::string_view name);

// Where a model version stands in its voice's rollout: stable (what the voice
// id speaks), canary (a share of jobs), retired, or none (installed, unrouted).
enum class Rollout { kNone, kStable, kCanary, kRetired };
std::string_view RolloutName(Rollout rollout);  // "" | "stable" | "canary" | "retired"
Result<Rollout> ParseRollout(std::string_view name);

struct Model {
  std::string id;
  std::string engine;
  std::string name;  // the engine's voice id, e.g. "flite-slt"
  std::string version;
  std::string tags = "[]";  // JSON array
  ModelStatus status = ModelStatus::kActive;
  std::string manifest = "{}";  // JSON object
  int64_t created_at = 0;
  Rollout rollout = Rollout::kNone;
  int canary_weight = 0;  // 0..100: the percentage of jobs a canary gets
};

// Jobs that ended on one model version (Job::model_version).
struct ModelOutcomes {
  int64_t done = 0;
  int64_t failed = 0;
  int64_t total() const { return done + failed; }
  double error_rate() const { return total() ? static_cast<double>(failed) / total() : 0; }
};

// What a job does: speak a text, or create a cloned voice from uploads (its
// params are cloning/creation_params.h; voice_id is the voice being made).
enum class JobKind { kSynthesis, kVoiceCreation };
std::string_view JobKindName(JobKind kind);  // "synthesis" | "voice_creation"
Result<JobKind> ParseJobKind(std::string_view name);

struct Job {
  std::string id;
  JobKind kind = JobKind::kSynthesis;
  std::string user_id;
  JobStatus status = JobStatus::kReceived;
  std::string voice_id;
  std::string model_version;
  std::string text;
  std::string params = "{}";  // JSON object: language, sample_rate, speed, ...
  std::string format;
  std::optional<std::string> webhook_url;
  std::optional<std::string> idempotency_key;
  std::string request_hash;  // lets the API tell a replay from a conflicting reuse of a key
  std::string cache_key;
  bool cache_hit = false;
  int attempts = 0;  // deliveries so far (ClaimNextJob increments)
  int max_attempts = 3;
  int64_t next_attempt_at = 0;  // a queued job is not claimed before this
  std::optional<std::string> lease_owner;
  std::optional<int64_t> lease_expires_at;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  std::optional<std::string> audio_key;
  std::optional<int64_t> audio_bytes;
  std::optional<double> duration_s;
  // Speaker similarity of a cloned voice's output to its reference (set on
  // completion by the worker); nullopt for built-in voices and until then.
  std::optional<double> voice_similarity;
  // When the retention sweeper deleted the audio (audio_key still names it);
  // nullopt while the audio is kept.
  std::optional<int64_t> audio_expired_at;
  int64_t created_at = 0;
  std::optional<int64_t> started_at;
  std::optional<int64_t> finished_at;
  int64_t updated_at = 0;
};

// One row of the `logs` table: a job entered `status` at `at`.
struct JobEvent {
  int64_t id = 0;  // assigned by the store, increasing in insertion order
  std::string job_id;
  JobStatus status = JobStatus::kReceived;
  int64_t at = 0;
  int attempt = 0;
  std::string message;
};

struct CreateJobResult {
  Job job;
  bool created = false;  // false: an existing job with the same idempotency key
};

// A guarded status change; see Store::TransitionJob.
struct JobTransition {
  std::string job_id;
  std::vector<JobStatus> allowed_from;  // empty = any non-terminal status
  JobStatus to = JobStatus::kQueued;
  int64_t at = 0;  // 0 = now
  std::string message;
  std::optional<int> attempt;  // for the log row; default: the job's attempts
  // When set, the transition applies only while this worker holds the lease,
  // so a worker whose job was reclaimed cannot complete it a second time.
  std::optional<std::string> lease_owner;
  // Optional columns to set in the same statement.
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  std::optional<std::string> audio_key;
  std::optional<int64_t> audio_bytes;
  std::optional<double> duration_s;
  std::optional<double> voice_similarity;
  std::optional<bool> cache_hit;
  std::optional<int64_t> started_at;
  std::optional<int64_t> finished_at;  // default for a terminal `to`: `at`
  std::optional<int64_t> next_attempt_at;
  // The lease is always cleared when `to` is queued or terminal; this forces
  // it for other targets too.
  bool clear_lease = false;
  // attempts - 1: the delivery is handed back unused (a worker shutting
  // down), so it must not count towards max_attempts.
  bool refund_attempt = false;
};

struct CacheEntry {
  std::string cache_key;
  std::string audio_key;
  std::string format;
  double duration_s = 0;
  int64_t audio_bytes = 0;
  int64_t created_at = 0;
  int64_t last_hit_at = 0;
  int64_t hits = 0;
};

struct AuditEvent {
  int64_t id = 0;  // assigned by the store
  int64_t at = 0;  // 0 = now
  std::optional<std::string> actor_user_id;
  std::optional<std::string> actor_key_id;
  std::string action;       // e.g. "job.create", "key.revoke"
  std::string target_type;  // e.g. "job", "api_key"
  std::string target_id;
  std::string request_id;
  std::string detail = "{}";  // JSON object
  // The hash chain (audit_chain.h), set by the store on append.
  std::string prev_hash;
  std::string hash;
};

// Filters for ListAudit; unset fields do not filter. Newest first.
struct AuditQuery {
  int limit = 100;
  std::optional<std::string> actor_user_id;
  std::optional<std::string> action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<int64_t> before_id;  // paging: only events with id < before_id
};

}  // namespace vox::store
