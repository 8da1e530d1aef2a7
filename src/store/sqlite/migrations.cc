#include "store/sqlite/migrations.h"

#include <string>

#include "store/sql/sql_audit.h"

namespace vox::store::sqlite {
namespace {

// Tables are STRICT so a wrongly typed value is an error, not a silent
// conversion. Booleans are INTEGER 0/1; JSON is TEXT; times are epoch ms.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  plan       TEXT NOT NULL DEFAULT 'free',
  is_admin   INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER
) STRICT;
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
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
CREATE INDEX voices_user ON voices(user_id);

CREATE TABLE models (
  id         TEXT PRIMARY KEY,
  engine     TEXT NOT NULL,
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  tags       TEXT NOT NULL DEFAULT '[]',
  status     TEXT NOT NULL CHECK (status IN ('active', 'canary', 'retired')),
  manifest   TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  UNIQUE (engine, name, version)
) STRICT;

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
  cache_hit        INTEGER NOT NULL DEFAULT 0 CHECK (cache_hit IN (0, 1)),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts     INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  next_attempt_at  INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  error_code       TEXT,
  error_message    TEXT,
  audio_key        TEXT,
  audio_bytes      INTEGER,
  duration_s       REAL,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  updated_at       INTEGER NOT NULL,
  UNIQUE (user_id, idempotency_key)
) STRICT;
-- The index on jobs.status: counts by status use its prefix, and the claim
-- query ("queued and due, earliest first, then oldest") reads it in order.
CREATE INDEX jobs_status ON jobs(status, next_attempt_at, created_at);
CREATE INDEX jobs_created_at ON jobs(created_at);
CREATE INDEX jobs_user ON jobs(user_id, created_at);
-- Only leased (running) jobs carry a lease, so the reclaim scan stays small.
CREATE INDEX jobs_lease ON jobs(lease_expires_at) WHERE lease_expires_at IS NOT NULL;

CREATE TABLE logs (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id  TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  status  TEXT NOT NULL,
  at      INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  message TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX logs_job ON logs(job_id, id);

CREATE TABLE audit (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  at            INTEGER NOT NULL,
  actor_user_id TEXT,
  actor_key_id  TEXT,
  action        TEXT NOT NULL,
  target_type   TEXT NOT NULL DEFAULT '',
  target_id     TEXT NOT NULL DEFAULT '',
  request_id    TEXT NOT NULL DEFAULT '',
  detail        TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_target ON audit(target_type, target_id);

CREATE TABLE cache_entries (
  cache_key   TEXT PRIMARY KEY,
  audio_key   TEXT NOT NULL,
  format      TEXT NOT NULL,
  duration_s  REAL NOT NULL DEFAULT 0,
  audio_bytes INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  last_hit_at INTEGER NOT NULL,
  hits        INTEGER NOT NULL DEFAULT 0
) STRICT;
)sql";

// Voice cloning: the registry of voices nobody may clone, and the speaker
// similarity a cloned job reached. created_by is deliberately not a foreign
// key: the registry outlives its curators, and users are never deleted anyway.
// No index beyond the key: the list is small and always read whole.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE protected_voices (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  embedding  TEXT NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL
) STRICT;

ALTER TABLE jobs ADD COLUMN voice_similarity REAL;
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
  WHERE user_id IN (SELECT id FROM users WHERE is_admin = 1);

CREATE TABLE oauth_clients (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  project     TEXT,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT;
)sql";

// The hash-chained audit log (store/audit_chain.h): each row carries the
// previous row's hash and its own; existing rows are chained in id order by
// sql::BackfillAuditChain in the same transaction.
constexpr const char* kMigration5 = R"sql(
ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
)sql";

// Plans and metering. A plan's limits, 0 meaning none; a user whose plan has
// no row here is not limited (the "free" and "admin" plans users had before).
// usage_daily sums characters and audio seconds per UTC day, user, project,
// key, route and voice kind; '' stands for no project or no key so the key
// is a plain primary key that ON CONFLICT can add to. jobs_in_flight serves
// the plan's concurrency bound (UsageStore::CountJobsInFlight).
constexpr const char* kMigration6 = R"sql(
CREATE TABLE plans (
  name          TEXT PRIMARY KEY,
  monthly_chars INTEGER NOT NULL DEFAULT 0 CHECK (monthly_chars >= 0),
  voice_slots   INTEGER NOT NULL DEFAULT 0 CHECK (voice_slots >= 0),
  rate          REAL NOT NULL DEFAULT 0 CHECK (rate >= 0),
  concurrency   INTEGER NOT NULL DEFAULT 0 CHECK (concurrency >= 0),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE usage_daily (
  day           TEXT NOT NULL,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project       TEXT NOT NULL DEFAULT '',
  key_id        TEXT NOT NULL DEFAULT '',
  route         TEXT NOT NULL,
  voice_kind    TEXT NOT NULL,
  characters    INTEGER NOT NULL DEFAULT 0,
  audio_seconds REAL NOT NULL DEFAULT 0,
  requests      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day, project, key_id, route, voice_kind)
) STRICT;
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
// jobs are found by an index (revocation fails and purges them). SQLite
// cannot alter a CHECK constraint, so the table is rebuilt (nothing refers to
// voices by foreign key); the statement lists every column voices has up to
// this migration.
constexpr const char* kMigration8 = R"sql(
CREATE TABLE voices_new (
  id         TEXT PRIMARY KEY,
  user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('builtin', 'clone')),
  status     TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'rejected', 'deleted',
                                             'revoked')),
  engine     TEXT NOT NULL,
  base_voice TEXT NOT NULL DEFAULT '',
  language   TEXT NOT NULL DEFAULT '',
  gender     TEXT NOT NULL DEFAULT '',
  metadata   TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
INSERT INTO voices_new (id, user_id, name, kind, status, engine, base_voice, language, gender,
                        metadata, created_at, updated_at, deleted_at)
  SELECT id, user_id, name, kind, status, engine, base_voice, language, gender, metadata,
         created_at, updated_at, deleted_at FROM voices;
DROP TABLE voices;
ALTER TABLE voices_new RENAME TO voices;
CREATE INDEX voices_user ON voices(user_id);

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
ALTER TABLE jobs ADD COLUMN fair_rank INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_fair ON jobs(status, fair_rank, created_at);
CREATE TABLE claim_turns (
  user_id   TEXT PRIMARY KEY,
  next_rank INTEGER NOT NULL
) STRICT;
CREATE INDEX claim_turns_rank ON claim_turns(next_rank);
ALTER TABLE jobs ADD COLUMN audio_expired_at INTEGER;
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
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  voice_id     TEXT
) STRICT;
CREATE INDEX consent_challenges_unused ON consent_challenges(expires_at) WHERE used_at IS NULL;
CREATE INDEX consent_challenges_voice ON consent_challenges(voice_id) WHERE voice_id IS NOT NULL;
CREATE TABLE consent_recordings (
  sha256       TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  voice_id     TEXT NOT NULL,
  challenge_id TEXT NOT NULL,
  used_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX consent_recordings_voice ON consent_recordings(voice_id);
)sql";

}  // namespace

const sql::Schema& SqliteSchema() {
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
          "name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT",
      .has_version_table =
          "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
          "name = 'schema_migrations'",
      .lock = nullptr,  // BEGIN IMMEDIATE already serializes migrators
  };
  return kSchema;
}

}  // namespace vox::store::sqlite
