#include "cli/platform_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/component_configs.h"
#include "cli/cpu_budget.h"
#include "common/redact.h"
#include "common/secret_file.h"
#include "obs/log.h"

namespace vox::cli {
namespace {

// A secret setting: `--flag` / NAME and `--flag-file` / NAME_FILE (a file
// holding it; Finalize() reads it). Never a default shown in --help.
void AddSecretOption(CLI::App& cmd, const std::string& flag, std::string& value, std::string& file,
                     const std::string& name, const std::string& help) {
  cmd.add_option(flag, value, help)->envname(name);
  cmd.add_option(flag + "-file", file, "File holding " + name + " (Docker/Kubernetes secrets)")
      ->envname(name + "_FILE");
}

// VOX_WORKERS and VOX_NEURAL_THREADS left at 0 follow the cores this process
// may use (cli/cpu_budget.h). Once: a second Finalize() keeps the choice.
void ChooseThreads(PlatformConfig& c) {
  if (!c.neural_threads_origin.empty()) return;
  const CpuBudget cpus = ProbeCpuBudget();
  if (c.workers == 0) c.workers = std::min(cpus.available(), 256);  // the pool's bound
  if (c.neural_threads != 0) {  // a bad value is the engine's to refuse
    c.neural_threads_origin = "set by VOX_NEURAL_THREADS";
    return;
  }
  c.neural_threads = DefaultNeuralThreads(cpus.cores(), cpus.quota, c.workers);
  c.neural_threads_origin = fmt::format("{} / {} worker(s)", cpus.Describe(), c.workers);
}

}  // namespace

void PlatformConfig::AddOptions(CLI::App& cmd) {
  cmd.add_option("--data", data_dir, "Data directory (database, audio, secret)")
      ->envname("VOX_DATA_DIR")
      ->capture_default_str();
  AddSecretOption(cmd, "--database-url", database_url, database_url_file, "VOX_DATABASE_URL",
                  "sqlite://PATH or postgresql://...");
  // The Redis URLs are secrets too: redis://:PASSWORD@host:port/db.
  AddSecretOption(cmd, "--queue-url", queue_url, queue_url_file, "VOX_QUEUE_URL",
                  "local:// or redis://host:port/db (default: local://)");
  AddSecretOption(
      cmd, "--cache-url", cache_url, cache_url_file, "VOX_CACHE_URL",
      "Cache of identical requests: database or redis://... (default: follows the queue)");
  AddSecretOption(cmd, "--rate-limit-url", rate_limit_url, rate_limit_url_file,
                  "VOX_RATE_LIMIT_URL",
                  "Rate-limit buckets: local (per process) or redis://... shared by every API "
                  "process (default: follows the queue)");
  cmd.add_option("--storage-url", storage_url, "file://DIR or s3://bucket?endpoint=...")
      ->envname("VOX_STORAGE_URL");
  cmd.add_option("--encryption-key-file", encryption_key_file,
                 "Encrypt stored audio, samples and consent recordings with the keys in this "
                 "file (base64, one per line, the first encrypts; see `vox encryption`)")
      ->envname("VOX_ENCRYPTION_KEY_FILE");
  cmd.add_option("--encryption-plaintext", encryption_plaintext,
                 "With encryption at rest, blobs without its header: serve (stored before "
                 "encryption was on) or refuse (every blob is encrypted: one without it was "
                 "replaced outside Vox). Run `vox encryption rotate` before refusing")
      ->envname("VOX_ENCRYPTION_PLAINTEXT")
      ->check(CLI::IsMember({"serve", "refuse"}))
      ->capture_default_str();
  cmd.add_option("--models,--model-dir", model_dir,
                 "Directory of Piper voices: NAME.onnx + NAME.onnx.json (default: DATA/models)")
      ->envname("VOX_MODEL_DIR");
  cmd.add_option("--neural-threads", neural_threads,
                 "Intra-op threads of each neural synthesis (0: the cores available to the "
                 "process, affinity mask and cgroup quota included, divided by --workers)")
      ->envname("VOX_NEURAL_THREADS")
      ->capture_default_str();
  cmd.add_option("--device", device, "Where neural voices run: cpu, or cuda[:N]")
      ->envname("VOX_DEVICE")
      ->capture_default_str();
  cmd.add_option("--batch-max", batch_max,
                 "Dynamic batching of neural voices: phrases of one voice run as one padded "
                 "batch of up to this many (1: off; not bit-identical to unbatched audio)")
      ->envname("VOX_BATCH_MAX")
      ->capture_default_str();
  cmd.add_option("--batch-wait-ms", batch_wait_ms,
                 "How long a phrase waits for others to batch with (with --batch-max > 1)")
      ->envname("VOX_BATCH_WAIT_MS")
      ->capture_default_str();
  cmd.add_option("--listen", listen, "HOST:PORT to serve HTTP on")
      ->envname("VOX_LISTEN")
      ->capture_default_str();
  cmd.add_option("--tls-cert", tls_cert,
                 "PEM certificate (chain) file: serve HTTPS (TLS 1.2/1.3) on --listen; needs "
                 "--tls-key; both re-read on SIGHUP")
      ->envname("VOX_TLS_CERT");
  cmd.add_option("--tls-key", tls_key, "PEM private key file of --tls-cert")
      ->envname("VOX_TLS_KEY");
  cmd.add_option("--internal-listen", internal_listen,
                 "HOST:PORT of a plain-HTTP listener for operators: /metrics, /readyz with "
                 "details and /v1/admin/* move there (404 on --listen). Empty: all on --listen")
      ->envname("VOX_INTERNAL_LISTEN");
  cmd.add_option("--workers", workers,
                 "Synthesis worker threads (0: the cores available to the process)")
      ->envname("VOX_WORKERS")
      ->capture_default_str();
  cmd.add_option("--io-threads", io_threads, "Network threads")
      ->envname("VOX_IO_THREADS")
      ->capture_default_str();
  cmd.add_option("--handler-threads", handler_threads, "API handler threads")
      ->envname("VOX_API_HANDLER_THREADS")
      ->capture_default_str();
  cmd.add_option("--header-timeout-ms", header_timeout_ms,
                 "Time a client has to send a request's headers")
      ->envname("VOX_HTTP_HEADER_TIMEOUT_MS")
      ->capture_default_str();
  cmd.add_option("--write-timeout-ms", write_timeout_ms,
                 "Time a response write may make no progress (a client that stopped reading)")
      ->envname("VOX_HTTP_WRITE_TIMEOUT_MS")
      ->capture_default_str();
  AddSecretOption(cmd, "--signing-secret", signing_secret, signing_secret_file,
                  "VOX_SIGNING_SECRET", "Secret for audio URLs, webhooks and OAuth2 tokens");
  AddSecretOption(cmd, "--jwt-secret", jwt_secret, jwt_secret_file, "VOX_JWT_SECRET",
                  "HS256 secret of an external JWT issuer (32+ bytes)");
  cmd.add_option("--jwt-public-key-file", jwt_public_key_file,
                 "RS256/ES256 JWT issuer's public key: a PEM file or a JWKS document")
      ->envname("VOX_JWT_PUBLIC_KEY_FILE");
  cmd.add_option("--jwt-issuer", jwt_issuer, "Required iss of external JWTs (empty: any)")
      ->envname("VOX_JWT_ISSUER");
  cmd.add_option("--jwt-audience", jwt_audience, "Required aud of external JWTs (empty: any)")
      ->envname("VOX_JWT_AUDIENCE");
  cmd.add_option("--jwt-leeway", jwt_leeway_s, "Seconds of clock skew allowed on exp and nbf")
      ->envname("VOX_JWT_LEEWAY_S")
      ->capture_default_str();
  cmd.add_option("--oauth-token-ttl", oauth_token_ttl_s,
                 "Seconds an OAuth2 access token from /v1/oauth/token lives")
      ->envname("VOX_OAUTH_TOKEN_TTL_S")
      ->capture_default_str();
  cmd.add_flag("--webhook-allow-private", webhook_allow_private,
               "Allow webhooks to loopback/private addresses")
      ->envname("VOX_WEBHOOK_ALLOW_PRIVATE");
  cmd.add_option("--webhook-max-attempts", webhook_max_attempts, "Webhook delivery attempts")
      ->envname("VOX_WEBHOOK_MAX_ATTEMPTS")
      ->capture_default_str();
  cmd.add_option("--webhook-timeout-ms", webhook_timeout_ms,
                 "Time one webhook attempt may take, connecting included")
      ->envname("VOX_WEBHOOK_TIMEOUT_MS")
      ->capture_default_str();
  cmd.add_option("--webhook-threads", webhook_threads, "Webhook sender threads")
      ->envname("VOX_WEBHOOK_THREADS")
      ->capture_default_str();
  cmd.add_option("--webhook-per-host", webhook_per_host,
                 "Webhook attempts at once to one receiver (host:port)")
      ->envname("VOX_WEBHOOK_PER_HOST")
      ->capture_default_str();
  cmd.add_option("--max-text-chars", max_text_chars, "Longest text a job may carry")
      ->envname("VOX_MAX_TEXT_CHARS")
      ->capture_default_str();
  cmd.add_option("--max-audio-seconds", max_audio_seconds,
                 "Longest speech one request may ask for, estimated from its text (0: no cap)")
      ->envname("VOX_MAX_AUDIO_SECONDS")
      ->capture_default_str();
  cmd.add_option("--max-queued-jobs-per-user", max_queued_jobs_per_user,
                 "Synthesis jobs one user may have queued or running; more are 429 (0: no cap)")
      ->envname("VOX_MAX_QUEUED_JOBS_PER_USER")
      ->capture_default_str();
  cmd.add_option("--audio-retention", audio_retention,
                 "Delete finished jobs' audio after this long (30d, 12h, 90m; default: keep "
                 "forever); the job stays, its audio answers 410")
      ->envname("VOX_AUDIO_RETENTION");
  cmd.add_option("--audio-sweep-interval-ms", audio_sweep_interval_ms,
                 "Milliseconds between audio retention passes")
      ->envname("VOX_AUDIO_SWEEP_INTERVAL_MS")
      ->capture_default_str();
  cmd.add_option("--min-free-disk-mb", min_free_disk_mb,
                 "A worker claims no job while its data directory has less free (0: no check)")
      ->envname("VOX_MIN_FREE_DISK_MB")
      ->capture_default_str();
  cmd.add_option("--job-max-attempts", job_max_attempts, "Attempts before a job fails")
      ->envname("VOX_JOB_MAX_ATTEMPTS")
      ->capture_default_str();
  cmd.add_option("--job-retry-base-ms", job_retry_base_ms, "First retry delay (x4 per attempt)")
      ->envname("VOX_JOB_RETRY_BASE_MS")
      ->capture_default_str();
  cmd.add_option("--rate-limit", rate_limit, "Submissions per second per key (0: off)")
      ->envname("VOX_RATE_LIMIT")
      ->capture_default_str();
  cmd.add_option("--stream-threads", stream_threads,
                 "Streams (/v1/tts/stream, /v1/audio/speech) synthesized at once")
      ->envname("VOX_STREAM_THREADS")
      ->capture_default_str();
  cmd.add_option("--openai-voices", openai_voices,
                 "OpenAI voice names to Vox voices, e.g. alloy=flite-slt,echo=espeak-en-us")
      ->envname("VOX_OPENAI_VOICES");
  // Off by default: a plain-text client may send text that starts with "<speak".
  cmd.add_option("--compat-ssml", compat_ssml,
                 "on: an OpenAI `input` or ElevenLabs `text` that is an SSML document (starts "
                 "with <speak after whitespace) is spoken as SSML; off: read as text")
      ->envname("VOX_COMPAT_SSML")
      ->capture_default_str();
  cmd.add_option("--drain-grace", drain_grace_s, "Seconds to finish jobs on SIGTERM")
      ->envname("VOX_DRAIN_GRACE_S")
      ->capture_default_str();
  cmd.add_option("--audit-verify-interval", audit_verify_interval_s,
                 "Seconds between checks of the audit rows appended since the last (and a log "
                 "line with the chain's head hash)")
      ->envname("VOX_AUDIT_VERIFY_INTERVAL_S")
      ->capture_default_str();
  cmd.add_option("--target-lufs", target_lufs, "Loudness-normalize output (e.g. -16; 0: off)")
      ->envname("VOX_TARGET_LUFS");
  cmd.add_option("--audio-url-ttl", audio_url_ttl_s, "Seconds an audio URL stays valid")
      ->envname("VOX_AUDIO_URL_TTL_S")
      ->capture_default_str();
  cmd.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->envname("VOX_LOG_LEVEL")
      ->capture_default_str();
  cmd.add_option("--log-format", log_format,
                 "text, or json: one object per line with level, time, message, request_id, job_id")
      ->envname("VOX_LOG_FORMAT")
      ->capture_default_str();
  cmd.add_option("--clone-require-consent", clone_require_consent,
                 "Require a verified consent recording for every cloned voice")
      ->envname("VOX_CLONE_REQUIRE_CONSENT")
      ->capture_default_str();
  cmd.add_option("--consent-challenge", consent_challenge,
                 "Require consent recordings to end with a one-time challenge from "
                 "GET /v1/voice/consent-statement")
      ->envname("VOX_CONSENT_CHALLENGE")
      ->capture_default_str();
  cmd.add_option("--consent-challenge-ttl-s", consent_challenge_ttl_s,
                 "Seconds a consent challenge stays valid (60..86400)")
      ->envname("VOX_CONSENT_CHALLENGE_TTL_S")
      ->capture_default_str();
  cmd.add_option("--clone-check-protected", clone_check_protected,
                 "Refuse uploads that match a protected voice")
      ->envname("VOX_CLONE_CHECK_PROTECTED")
      ->capture_default_str();
  cmd.add_option("--clone-concurrency", clone_concurrency,
                 "Voice creations running at once in one worker process (more wait in the queue)")
      ->envname("VOX_CLONE_CONCURRENCY")
      ->capture_default_str();
  cmd.add_option("--clone-user-concurrency", clone_user_concurrency,
                 "Voice creations of one user running at once on all workers (more wait)")
      ->envname("VOX_CLONE_USER_CONCURRENCY")
      ->capture_default_str();
  cmd.add_option("--clone-max-pending", clone_max_pending,
                 "Voice creations one user may have in progress (more: 429)")
      ->envname("VOX_CLONE_MAX_PENDING")
      ->capture_default_str();
  cmd.add_option("--max-upload-bytes", max_upload_bytes, "Largest voice upload (all files)")
      ->envname("VOX_MAX_UPLOAD_BYTES")
      ->capture_default_str();
  cmd.add_option("--asr-model-dir", asr_model_dir, "pocketsphinx model (consent checks)")
      ->envname("VOX_ASR_MODEL_DIR")
      ->capture_default_str();
  cmd.add_option("--wyoming-listen", wyoming_listen,
                 "HOST:PORT for Home Assistant's Wyoming protocol (10200 by convention; off "
                 "when empty). It has no authentication: bind to loopback or a trusted LAN")
      ->envname("VOX_WYOMING_LISTEN");
  cmd.add_option("--metrics-listen", metrics_listen,
                 "vox worker: HOST:PORT serving /metrics and /healthz (off when empty; the API "
                 "processes serve /metrics on their own listener)")
      ->envname("VOX_METRICS_LISTEN");
  cmd.add_option("--wyoming-voice", wyoming_voice,
                 "Voice for Wyoming requests that name neither voice nor language")
      ->envname("VOX_WYOMING_VOICE");
  cmd.add_option("--wyoming-max-connections", wyoming_max_connections,
                 "Wyoming connections at once (more are refused)")
      ->envname("VOX_WYOMING_MAX_CONNECTIONS")
      ->capture_default_str();
  cmd.add_option("--wyoming-threads", wyoming_threads, "Wyoming syntheses running at once")
      ->envname("VOX_WYOMING_THREADS")
      ->capture_default_str();
  cmd.add_option("--wyoming-idle-timeout-ms", wyoming_idle_timeout_ms,
                 "Wyoming connections with nothing to do for this long are closed")
      ->envname("VOX_WYOMING_IDLE_TIMEOUT_MS")
      ->capture_default_str();
}

Status PlatformConfig::Finalize() {
  if (data_dir.empty()) return InvalidArgument("must not be empty", "VOX_DATA_DIR");
  VOX_ASSIGN_OR_RETURN(signing_secret,
                       ResolveSecret(signing_secret, signing_secret_file, "VOX_SIGNING_SECRET"));
  VOX_ASSIGN_OR_RETURN(database_url,
                       ResolveSecret(database_url, database_url_file, "VOX_DATABASE_URL"));
  VOX_ASSIGN_OR_RETURN(jwt_secret, ResolveSecret(jwt_secret, jwt_secret_file, "VOX_JWT_SECRET"));
  VOX_ASSIGN_OR_RETURN(queue_url, ResolveSecret(queue_url, queue_url_file, "VOX_QUEUE_URL"));
  VOX_ASSIGN_OR_RETURN(cache_url, ResolveSecret(cache_url, cache_url_file, "VOX_CACHE_URL"));
  VOX_ASSIGN_OR_RETURN(rate_limit_url,
                       ResolveSecret(rate_limit_url, rate_limit_url_file, "VOX_RATE_LIMIT_URL"));
  // Read once: a second Finalize() must not see both.
  for (std::string* file : {&signing_secret_file, &database_url_file, &jwt_secret_file,
                            &queue_url_file, &cache_url_file, &rate_limit_url_file}) {
    file->clear();
  }
  if (!jwt_public_key_file.empty()) {
    VOX_ASSIGN_OR_RETURN(jwt_public_keys,
                         ReadSecretFile(jwt_public_key_file, "VOX_JWT_PUBLIC_KEY_FILE"));
  }
  if (database_url.empty()) database_url = "sqlite://" + data_dir + "/vox.db";
  if (storage_url.empty()) storage_url = "file://" + data_dir + "/blobs";
  if (queue_url.empty()) queue_url = "local://";
  if (cache_url.empty()) {
    // The queue's server, without the queue's own options.
    cache_url =
        queue_url.starts_with("redis://") ? queue_url.substr(0, queue_url.find('?')) : "database";
  }
  if (rate_limit_url.empty()) {
    rate_limit_url =
        queue_url.starts_with("redis://") ? queue_url.substr(0, queue_url.find('?')) : "local";
  }
  if (rate_limit_url != "local" && !rate_limit_url.starts_with("redis://")) {
    return InvalidArgument("must be local or redis://...", "VOX_RATE_LIMIT_URL");
  }
  ChooseThreads(*this);
  VOX_RETURN_IF_ERROR(obs::ParseLogLevel(log_level));
  VOX_RETURN_IF_ERROR(obs::ParseLogFormat(log_format));
  if (drain_grace_s < 0) return InvalidArgument("must be >= 0", "VOX_DRAIN_GRACE_S");
  if (audit_verify_interval_s < 1) {
    return InvalidArgument("must be >= 1", "VOX_AUDIT_VERIFY_INTERVAL_S");
  }
  // Everything else is a component's to judge (component_configs.h).
  VOX_RETURN_IF_ERROR(MapSettings(*this));
  return {};
}

webhook::WebhookConfig PlatformConfig::WebhookSettings() const {
  webhook::WebhookConfig w;
  w.allow_private = webhook_allow_private;
  w.max_attempts = webhook_max_attempts;
  w.timeout = std::chrono::milliseconds(webhook_timeout_ms);
  w.threads = webhook_threads;
  w.per_host = webhook_per_host;
  return w;
}

std::string PlatformConfig::ToString() const {
  return nlohmann::json{{"data_dir", data_dir},
                        {"database_url", RedactUrl(database_url)},
                        {"queue_url", RedactUrl(queue_url)},
                        {"storage_url", RedactUrl(storage_url)},
                        {"encryption_key_file", encryption_key_file},
                        {"encryption_plaintext", encryption_plaintext},
                        {"cache_url", RedactUrl(cache_url)},
                        {"rate_limit_url", RedactUrl(rate_limit_url)},
                        {"listen", listen},
                        {"tls_cert", tls_cert},
                        {"tls_key", tls_key},
                        {"internal_listen", internal_listen},
                        {"workers", workers},
                        {"neural_threads", neural_threads},
                        {"io_threads", io_threads},
                        {"signing_secret", signing_secret.empty() ? "(generated)" : "(set)"},
                        {"jwt_secret", jwt_secret.empty() ? "(none)" : "(set)"},
                        {"jwt_public_key_file", jwt_public_key_file},
                        {"jwt_issuer", jwt_issuer},
                        {"jwt_audience", jwt_audience},
                        {"max_text_chars", max_text_chars},
                        {"max_audio_seconds", max_audio_seconds},
                        {"max_queued_jobs_per_user", max_queued_jobs_per_user},
                        {"audio_retention", audio_retention.empty() ? "forever" : audio_retention},
                        {"min_free_disk_mb", min_free_disk_mb},
                        {"rate_limit", rate_limit},
                        {"compat_ssml", compat_ssml},
                        {"drain_grace_s", drain_grace_s},
                        {"audit_verify_interval_s", audit_verify_interval_s},
                        {"clone_require_consent", clone_require_consent},
                        {"clone_check_protected", clone_check_protected},
                        {"consent_challenge", consent_challenge},
                        {"consent_challenge_ttl_s", consent_challenge_ttl_s},
                        {"wyoming_listen", wyoming_listen},
                        {"metrics_listen", metrics_listen}}
      .dump();
}

}  // namespace vox::cli
