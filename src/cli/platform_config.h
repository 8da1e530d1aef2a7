// PlatformConfig: every setting of `vox serve` (and later `vox api` / `vox
// worker`), from flags, then VOX_* environment variables, then defaults.
// Validated once at start-up; errors name the setting.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "webhook/webhook.h"

namespace vox::cli {

struct PlatformConfig {
  std::string data_dir = "data";  // VOX_DATA_DIR
  std::string database_url;       // VOX_DATABASE_URL; default sqlite://DATA/vox.db
  std::string queue_url;          // VOX_QUEUE_URL; empty: local://
  // VOX_CACHE_URL: "database" or redis://...; empty: Redis when the queue is
  // in Redis (the same server), else the database.
  std::string cache_url;
  // VOX_RATE_LIMIT_URL: "local" (each process its own buckets) or redis://...;
  // empty: Redis when the queue is in Redis, so API processes share the limits.
  std::string rate_limit_url;
  std::string storage_url;          // VOX_STORAGE_URL; default file://DATA/blobs
  std::string encryption_key_file;  // VOX_ENCRYPTION_KEY_FILE: encryption at rest (blob/)
  // VOX_ENCRYPTION_PLAINTEXT: "serve" blobs without the encryption header (stored before
  // encryption was on) as they are, or "refuse" them as replaced outside Vox.
  std::string encryption_plaintext = "serve";
  std::string model_dir;  // VOX_MODEL_DIR: Piper voices; empty: DATA/models
  // VOX_NEURAL_THREADS: intra-op threads of each neural synthesis; 0: the
  // cores available to the process shared by the workers (cli/cpu_budget.h).
  int neural_threads = 0;
  std::string neural_threads_origin;      // how Finalize() chose it, for the start-up log
  std::string device = "cpu";             // VOX_DEVICE: cpu, or cuda[:N] with a CUDA LibTorch
  int batch_max = 1;                      // VOX_BATCH_MAX: Piper phrases per run; 1 = off
  int batch_wait_ms = 5;                  // VOX_BATCH_WAIT_MS: a first phrase's wait
  std::string listen = "127.0.0.1:8080";  // VOX_LISTEN
  std::string tls_cert;                   // VOX_TLS_CERT: PEM chain; with tls_key, HTTPS on listen
  std::string tls_key;                    // VOX_TLS_KEY: PEM private key (re-read on SIGHUP)
  std::string internal_listen;     // VOX_INTERNAL_LISTEN: HOST:PORT for /metrics, /readyz, admin
  int workers = 0;                 // VOX_WORKERS; 0 = the cores available (cpu_budget.h)
  int io_threads = 1;              // VOX_IO_THREADS
  int handler_threads = 4;         // VOX_API_HANDLER_THREADS
  int header_timeout_ms = 10'000;  // VOX_HTTP_HEADER_TIMEOUT_MS: slow clients are cut off
  int write_timeout_ms = 30'000;   // VOX_HTTP_WRITE_TIMEOUT_MS: a reader that stops reading
  std::string signing_secret;      // VOX_SIGNING_SECRET; default: generated into DATA/secret
  bool webhook_allow_private = false;  // VOX_WEBHOOK_ALLOW_PRIVATE
  int webhook_max_attempts = 5;        // VOX_WEBHOOK_MAX_ATTEMPTS
  int webhook_timeout_ms = 5000;       // VOX_WEBHOOK_TIMEOUT_MS: one attempt, connect included
  int webhook_threads = 4;             // VOX_WEBHOOK_THREADS: sender threads per process
  int webhook_per_host = 2;            // VOX_WEBHOOK_PER_HOST: attempts at once to one host:port
  size_t max_text_chars = 1'000'000;   // VOX_MAX_TEXT_CHARS
  int job_max_attempts = 3;            // VOX_JOB_MAX_ATTEMPTS
  int64_t job_retry_base_ms = 1000;    // VOX_JOB_RETRY_BASE_MS
  double rate_limit = 100;             // VOX_RATE_LIMIT: submissions/s per key; 0 = off
  int stream_threads = 32;             // VOX_STREAM_THREADS: streams synthesized at once
  std::string openai_voices;           // VOX_OPENAI_VOICES: alloy=flite-slt,...
  bool compat_ssml = false;            // VOX_COMPAT_SSML: <speak> bodies on OpenAI/ElevenLabs
  int drain_grace_s = 30;              // VOX_DRAIN_GRACE_S
  int audit_verify_interval_s = 60;    // VOX_AUDIT_VERIFY_INTERVAL_S: audit chain tail check
  double target_lufs = 0;              // VOX_TARGET_LUFS; 0 = no loudness normalization
  int64_t audio_url_ttl_s = 3600;      // VOX_AUDIO_URL_TTL_S
  std::string log_level = "info";      // VOX_LOG_LEVEL
  std::string log_format = "text";     // VOX_LOG_FORMAT: text or json (one object per line)

  // Fairness between tenants and audio retention (worker/audio_sweeper.h).
  double max_audio_seconds = 3600;           // VOX_MAX_AUDIO_SECONDS: per request; 0 = no cap
  int64_t max_queued_jobs_per_user = 100;    // VOX_MAX_QUEUED_JOBS_PER_USER; 0 = no cap
  std::string audio_retention;               // VOX_AUDIO_RETENTION: 30d, 12h...; empty = forever
  int64_t audio_sweep_interval_ms = 60'000;  // VOX_AUDIO_SWEEP_INTERVAL_MS
  int64_t min_free_disk_mb = 512;            // VOX_MIN_FREE_DISK_MB: workers claim above it

  // Voice cloning.
  bool clone_require_consent = true;    // VOX_CLONE_REQUIRE_CONSENT
  bool clone_check_protected = true;    // VOX_CLONE_CHECK_PROTECTED
  bool consent_challenge = true;        // VOX_CONSENT_CHALLENGE: a one-time challenge in consent
  int consent_challenge_ttl_s = 600;    // VOX_CONSENT_CHALLENGE_TTL_S: how long one is valid
  int clone_concurrency = 2;            // VOX_CLONE_CONCURRENCY: creations at once per process
  int clone_user_concurrency = 1;       // VOX_CLONE_USER_CONCURRENCY: per user, all workers
  int clone_max_pending = 10;           // VOX_CLONE_MAX_PENDING: per user, waiting or running
  size_t max_upload_bytes = 50u << 20;  // VOX_MAX_UPLOAD_BYTES: one voice upload
  std::string asr_model_dir = "/usr/share/pocketsphinx/model/en-us";  // VOX_ASR_MODEL_DIR
  // Home Assistant's Wyoming protocol (no authentication: loopback or a trusted LAN only).
  std::string wyoming_listen;  // VOX_WYOMING_LISTEN: HOST:PORT; empty: off
  std::string
      metrics_listen;         // VOX_METRICS_LISTEN (vox worker): HOST:PORT for /metrics; empty: off
  std::string wyoming_voice;  // VOX_WYOMING_VOICE: default voice
  int wyoming_max_connections = 32;       // VOX_WYOMING_MAX_CONNECTIONS
  int wyoming_threads = 2;                // VOX_WYOMING_THREADS: syntheses at once
  int wyoming_idle_timeout_ms = 120'000;  // VOX_WYOMING_IDLE_TIMEOUT_MS

  // Bearer tokens (api/auth_config.h).
  std::string jwt_secret;            // VOX_JWT_SECRET: HS256
  std::string jwt_public_key_file;   // VOX_JWT_PUBLIC_KEY_FILE: PEM public key or JWKS
  std::string jwt_public_keys;       // its content, read by Finalize()
  std::string jwt_issuer;            // VOX_JWT_ISSUER
  std::string jwt_audience;          // VOX_JWT_AUDIENCE
  int64_t jwt_leeway_s = 60;         // VOX_JWT_LEEWAY_S
  int64_t oauth_token_ttl_s = 3600;  // VOX_OAUTH_TOKEN_TTL_S
  // Each secret's NAME_FILE variant (secret_options below): a file holding it.
  std::string signing_secret_file;  // VOX_SIGNING_SECRET_FILE
  std::string database_url_file;    // VOX_DATABASE_URL_FILE (the URL may carry a password)
  std::string jwt_secret_file;      // VOX_JWT_SECRET_FILE
  // The Redis URLs may carry a password (redis://:PASSWORD@host:port/db).
  std::string queue_url_file;       // VOX_QUEUE_URL_FILE
  std::string cache_url_file;       // VOX_CACHE_URL_FILE
  std::string rate_limit_url_file;  // VOX_RATE_LIMIT_URL_FILE

  // Registers the options on `cmd` (flags override environment variables).
  void AddOptions(CLI::App& cmd);
  // Reads the secrets given by file; fills defaults that depend on other
  // settings; checks ranges.
  Status Finalize();
  std::string ToString() const;  // for the start-up log; secrets redacted
  // The webhook settings above, secret not included.
  webhook::WebhookConfig WebhookSettings() const;
};

}  // namespace vox::cli
