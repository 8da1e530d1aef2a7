#include "store/postgres/pg_migrations.h"

#include <string>

#include "store/sql/sql_audit.h"

namespace vox::store::postgres {
namespace {

// Dialect differences from SQLite: BIGINT epoch-ms timestamps, BOOLEAN flags,
// DOUBLE PRECISION for REAL, BIGSERIAL for the append-only logs/audit ids.
// JSON stays TEXT: the store passes JSON through byte for byte (JSONB would
// reorder keys and drop whitespace).
constexpr const char* kMigration1 = R"sql(
CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  plan       TEXT NOT NULL DEFAULT 'free',
  is_admin   BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT,
  last_used_at BIGINT
);
CREATE INDEX api_keys_user ON api_keys(user_id);
CREATE INDEX api_keys_prefix ON api_keys(prefix);

CREATE TABLE voices (
  id         TEXT PRIMARY KEY,
  user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('builtin', 'clone')),
  status     TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'rejected', 'deleted')),
  engine     TEXT NOT NULL,
  base_voice TEXT NOT NULL DEFAULT '',
  language   TEXT NOT NULL DEFAULT '',
  gender     TEXT NOT NULL DEFAULT '',
  metadata   TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT
);
CREATE INDEX voices_user ON voices(user_id);

CREATE TABLE models (
  id         TEXT PRIMARY KEY,
  engine     TEXT NOT NULL,
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  tags       TEXT NOT NULL DEFAULT '[]',
  status     TEXT NOT NULL CHECK (status IN ('active', 'canary', 'retired')),
  manifest   TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  -- Insertion order, the tie-break SQLite gets from its rowid.
  seq        BIGSERIAL NOT NULL,
  UNIQUE (engine, name, version)
);

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users(id),
  status           TEXT NOT NULL CHECK (status IN ('received', 'queued', 'picked',
                     'preprocessing', 'inference', 'vocoding', 'uploading', 'done',
                     'failed', 'canceled')),
  voice_id         TEXT NOT NULL,
  model_version    TEXT NOT NULL DEFAULT '',
  text             TEXT NOT NULL,
  params           TEXT NOT NULL DEFAULT '{}',
  format           TEXT NOT NULL,
  webhook_url      TEXT,
  idempotency_key  TEXT,
  request_hash     TEXT NOT NULL DEFAULT '',
  cache_key        TEXT NOT NULL DEFAULT '',
  cache_hit        BOOLEAN NOT NULL DEFAULT FALSE,
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts     INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  next_attempt_at  BIGINT NOT NULL,
  lease_owner      TEXT,
  lease_expires_at BIGINT,
  error_code       TEXT,
  error_message    TEXT,
  audio_key        TEXT,
  audio_bytes      BIGINT,
  duration_s       DOUBLE PRECISION,
  created_at       BIGINT NOT NULL,
  started_at       BIGINT,
  finished_at      BIGINT,
  updated_at       BIGINT NOT NULL,
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX jobs_status ON jobs(status, next_attempt_at, created_at);
CREATE INDEX jobs_created_at ON jobs(created_at);
CREATE INDEX jobs_user ON jobs(user_id, created_at);
CREATE INDEX jobs_lease ON jobs(lease_expires_at) WHERE lease_expires_at IS NOT NULL;

CREATE TABLE logs (
  id      BIGSERIAL PRIMARY KEY,
  job_id  TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  status  TEXT NOT NULL,
  at      BIGINT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX logs_job ON logs(job_id, id);

CREATE TABLE audit (
  id            BIGSERIAL PRIMARY KEY,
  at            BIGINT NOT NULL,
  actor_user_id TEXT,
  actor_key_id  TEXT,
  action        TEXT NOT NULL,
  target_type   TEXT NOT NULL DEFAULT '',
  target_id     TEXT NOT NULL DEFAULT '',
  request_id    TEXT NOT NULL DEFAULT '',
  detail        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_target ON audit(target_type, target_id);

CREATE TABLE cache_entries (
  cache_key   TEXT PRIMARY KEY,
  audio_key   TEXT NOT NULL,
  format      TEXT NOT NULL,
  duration_s  DOUBLE PRECISION NOT NULL DEFAULT 0,
  audio_bytes BIGINT NOT NULL DEFAULT 0,
  created_at  BIGINT NOT NULL,
  last_hit_at BIGINT NOT NULL,
  hits        BIGINT NOT NULL DEFAULT 0
);
)sql";

// Voice cloning (see sqlite/migrations.cc): the protected-voice registry and
// the speaker similarity a cloned job reached. created_by is not a foreign key.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE protected_voices (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  embedding  TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL
);

ALTER TABLE jobs ADD COLUMN voice_similarity DOUBLE PRECISION;
)sql";

// Voice creation as a worker job: a job either speaks a text or creates a
// voice. The partial index serves the per-user bound on running creations.
constexpr const char* kMigration3 = R"sql(
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'synthesis';
CREATE INDEX jobs_voice_creations ON jobs(user_id, status) WHERE kind = 'voice_creation';
)sql";

// Scoped keys and OAuth2 clients. Keys that existed keep what they could do:
// every non-admin scope, plus admin for admin users' keys. Scopes are
// space-separated names (api/scopes.h gives them meaning); project is free text.
constexpr const char* kMigration4 = R"sql(
ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL
  DEFAULT 'tts:read tts:write voices:read voices:write';
ALTER TABLE api_keys ADD COLUMN project TEXT;
UPDATE api_keys SET scopes = 'tts:read tts:write voices:read voices:write admin'
  WHERE user_id IN (SELECT id FROM users WHERE is_admin = TRUE);

CREATE TABLE oauth_clients (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  project     TEXT,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);
)sql";

// The hash-chained audit log (store/audit_chain.h): each row carries the
// previous row's hash and its own; existing rows are chained in id order by
// sql::BackfillAuditChain in the same transaction.
constexpr const char* kMigration5 = R"sql(
ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
)sql";

// Plans and metering (see sqlite/migrations.cc): plans, usage_daily and the
// partial index behind the plan's concurrency bound.
constexpr const char* kMigration6 = R"sql(
CREATE TABLE plans (
  name          TEXT PRIMARY KEY,
  monthly_chars BIGINT NOT NULL DEFAULT 0 CHECK (monthly_chars >= 0),
  voice_slots   BIGINT NOT NULL DEFAULT 0 CHECK (voice_slots >= 0),
  rate          DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (rate >= 0),
  concurrency   BIGINT NOT NULL DEFAULT 0 CHECK (concurrency >= 0),
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

CREATE TABLE usage_daily (
  day           TEXT NOT NULL,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project       TEXT NOT NULL DEFAULT '',
  key_id        TEXT NOT NULL DEFAULT '',
  route         TEXT NOT NULL,
  voice_kind    TEXT NOT NULL,
  characters    BIGINT NOT NULL DEFAULT 0,
  audio_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  requests      BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day, project, key_id, route, voice_kind)
);
CREATE INDEX jobs_in_flight ON jobs(user_id) WHERE kind = 'synthesis' AND status IN
  ('received', 'queued', 'picked', 'preprocessing', 'inference', 'vocoding', 'uploading');
)sql";

// Model versions and canary routing. `rollout` is where a version stands
// (stable: what a voice id speaks; canary: gets canary_weight % of jobs;
// retired: was stable or was rolled back; '': installed, not routed); the
// partial indexes keep one stable and one canary per voice. The jobs index
// serves the canary monitor's count of outcomes per model version.
constexpr const char* kMigration7 = R"sql(
ALTER TABLE models ADD COLUMN rollout TEXT NOT NULL DEFAULT ''
  CHECK (rollout IN ('', 'stable', 'canary', 'retired'));
ALTER TABLE models ADD COLUMN canary_weight INTEGER NOT NULL DEFAULT 0
  CHECK (canary_weight BETWEEN 0 AND 100);
CREATE UNIQUE INDEX models_one_stable ON models(name) WHERE rollout = 'stable';
CREATE UNIQUE INDEX models_one_canary ON models(name) WHERE rollout = 'canary';
CREATE INDEX jobs_model_version ON jobs(model_version, status);
)sql";

// Consent revocation: voices gain the final status 'revoked', and a voice's
// jobs are found by an index (revocation fails and purges them).
constexpr const char* kMigration8 = R"sql(
ALTER TABLE voices DROP CONSTRAINT voices_status_check;
ALTER TABLE voices ADD CONSTRAINT voices_status_check
  CHECK (status IN ('processing', 'ready', 'rejected', 'deleted', 'revoked'));
CREATE INDEX jobs_voice ON jobs(voice_id);
)sql";

// Fairness and retention. Start-time fair queuing across users: a queued
// job gets `fair_rank` = max(the queue's virtual time, its user's
// `claim_turns.next_rank`) and moves the user's next_rank one past it, so one
// user's burst takes ranks 1, 2, 3... while another user's job arriving later
// ranks with the head of the queue; ClaimNextJob takes the lowest rank (the
// index jobs_fair). `jobs.audio_expired_at` marks a job whose audio
// the retention sweeper deleted (the row stays); jobs_audio_kept serves the
// sweep, jobs_audio_key the check that no kept job still shares a blob.
constexpr const char* kMigration9 = R"sql(
ALTER TABLE jobs ADD COLUMN fair_rank BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_fair ON jobs(status, fair_rank, created_at);
CREATE TABLE claim_turns (
  user_id   TEXT PRIMARY KEY,
  next_rank BIGINT NOT NULL
);
CREATE INDEX claim_turns_rank ON claim_turns(next_rank);
ALTER TABLE jobs ADD COLUMN audio_expired_at BIGINT;
CREATE INDEX jobs_audio_kept ON jobs(finished_at)
  WHERE audio_key IS NOT NULL AND audio_expired_at IS NULL;
CREATE INDEX jobs_audio_key ON jobs(audio_key) WHERE audio_key IS NOT NULL;
)sql";

// One-time consent challenges (store/consent_store.h) and the consent recordings already
// used, by the SHA-256 of their bytes: the primary key makes a replay fail in every process.
constexpr const char* kMigration10 = R"sql(
CREATE TABLE consent_challenges (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_id       TEXT,
  speaker_name TEXT NOT NULL,
  challenge    TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  used_at      BIGINT,
  voice_id     TEXT
);
CREATE INDEX consent_challenges_unused ON consent_challenges(expires_at) WHERE used_at IS NULL;
CREATE INDEX consent_challenges_voice ON consent_challenges(voice_id) WHERE voice_id IS NOT NULL;
CREATE TABLE consent_recordings (
  sha256       TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  voice_id     TEXT NOT NULL,
  challenge_id TEXT NOT NULL,
  used_at      BIGINT NOT NULL
);
CREATE INDEX consent_recordings_voice ON consent_recordings(voice_id);
)sql";

}  // namespace

const sql::Schema& PostgresSchema() {
  static const sql::Schema kSchema = {
      .migrations = {{1, "blueprint tables", kMigration1},
                     {2, "voice cloning", kMigration2},
                     {3, "voice creation jobs", kMigration3},
                     {4, "scopes and OAuth clients", kMigration4},
                     {5, "hash-chained audit", kMigration5, &sql::BackfillAuditChain},
                     {6, "plans and usage", kMigration6},
                     {7, "model versions and canaries", kMigration7},
                     {8, "consent revocation", kMigration8},
                     {9, "fair claims and audio retention", kMigration9},
                     {10, "consent challenges and used recordings", kMigration10}},
      .create_version_table =
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
      .has_version_table = "SELECT to_regclass('schema_migrations') IS NOT NULL",
      // Serializes migrating processes; released at COMMIT/ROLLBACK. Any
      // constant works as long as every Vox process uses the same one: "vox\0mig".
      .lock = "SELECT pg_advisory_xact_lock(8534397935364710503)",
  };
  return kSchema;
}

}  // namespace vox::store::postgres
