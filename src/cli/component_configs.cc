#include "cli/component_configs.h"

#include <filesystem>
#include <string_view>
#include <utility>

namespace vox::cli {
namespace {

// HttpServerConfig's fields that come from a setting.
Error NameHttpSetting(Error e) {
  static constexpr std::pair<std::string_view, std::string_view> kSettings[] = {
      {"listen", "VOX_LISTEN"},
      {"tls_cert_file", "VOX_TLS_CERT"},
      {"tls_key_file", "VOX_TLS_KEY"},
      {"io_threads", "VOX_IO_THREADS"},
      {"header_timeout", "VOX_HTTP_HEADER_TIMEOUT_MS"},
      {"write_timeout", "VOX_HTTP_WRITE_TIMEOUT_MS"}};
  for (const auto& [field, setting] : kSettings) {
    if (e.field == field) e.field = setting;
  }
  return e;
}

}  // namespace

Result<ComponentConfigs> MapSettings(const PlatformConfig& config) {
  ComponentConfigs c;
  c.api.http.listen = config.listen;
  c.api.http.tls_cert_file = config.tls_cert;
  c.api.http.tls_key_file = config.tls_key;
  c.api.internal_listen = config.internal_listen;
  c.api.http.io_threads = config.io_threads;
  c.api.http.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  c.api.http.write_timeout = std::chrono::milliseconds(config.write_timeout_ms);
  c.api.handler_threads = config.handler_threads;
  c.api.submit_rate = config.rate_limit;
  c.api.submit_burst = config.rate_limit * 2;
  c.api.max_upload_bytes = config.max_upload_bytes;
  c.api.stream.threads = config.stream_threads;
  c.api.openai_voices = config.openai_voices;
  c.api.compat_ssml = config.compat_ssml;
  c.api.auth.jwt_secret = config.jwt_secret;
  c.api.auth.jwt_public_keys = config.jwt_public_keys;
  c.api.auth.jwt_issuer = config.jwt_issuer;
  c.api.auth.jwt_audience = config.jwt_audience;
  c.api.auth.jwt_leeway_s = config.jwt_leeway_s;
  c.api.auth.oauth_token_ttl_s = config.oauth_token_ttl_s;
  // Large uploads are spooled next to the jobs' temporary files (unlinked at once).
  c.api.http.spool_dir = (std::filesystem::path(config.data_dir) / "tmp").string();
  if (auto s = c.api.Validate(); !s) return std::unexpected(NameHttpSetting(s.error()));

  c.jobs.limits.max_chars = config.max_text_chars;
  c.jobs.limits.max_audio_seconds = config.max_audio_seconds;
  c.jobs.max_queued_per_user = config.max_queued_jobs_per_user;
  c.jobs.max_attempts = config.job_max_attempts;
  c.jobs.webhook_allow_private = config.webhook_allow_private;
  c.jobs.audio_url_ttl_s = config.audio_url_ttl_s;
  c.jobs.max_pending_creations = config.clone_max_pending;
  VOX_RETURN_IF_ERROR(c.jobs.Validate());

  c.pool.threads = config.workers;
  c.pool.disk_path = (std::filesystem::path(config.data_dir) / "tmp").string();
  c.pool.min_free_disk_mb = config.min_free_disk_mb;
  VOX_RETURN_IF_ERROR(c.pool.Validate());

  c.runner.temp_dir = (std::filesystem::path(config.data_dir) / "tmp").string();
  c.runner.retry_base_ms = config.job_retry_base_ms;
  if (config.target_lufs != 0) c.runner.target_lufs = config.target_lufs;
  c.runner.clone_user_concurrency = config.clone_user_concurrency;
  VOX_RETURN_IF_ERROR(c.runner.Validate());

  c.cloner.require_consent = config.clone_require_consent;
  c.cloner.check_protected = config.clone_check_protected;
  c.cloner.require_challenge = config.consent_challenge;
  c.cloner.challenge_ttl_s = config.consent_challenge_ttl_s;
  c.cloner.max_concurrent = config.clone_concurrency;
  c.cloner.max_file_bytes = config.max_upload_bytes;
  VOX_RETURN_IF_ERROR(c.cloner.Validate());

  VOX_ASSIGN_OR_RETURN(c.retention.retention_ms, worker::ParseRetention(config.audio_retention));
  c.retention.interval_ms = config.audio_sweep_interval_ms;
  VOX_RETURN_IF_ERROR(c.retention.Validate());

  c.webhook = config.WebhookSettings();
  VOX_RETURN_IF_ERROR(c.webhook.Validate());

  c.wyoming.listen = config.wyoming_listen;
  c.wyoming.default_voice = config.wyoming_voice;
  c.wyoming.max_connections = config.wyoming_max_connections;
  c.wyoming.synthesis_threads = config.wyoming_threads;
  c.wyoming.idle_timeout = std::chrono::milliseconds(config.wyoming_idle_timeout_ms);
  c.wyoming.limits.max_chars = config.max_text_chars;
  c.wyoming.limits.max_audio_seconds = config.max_audio_seconds;
  VOX_RETURN_IF_ERROR(c.wyoming.Validate());
  return c;
}

}  // namespace vox::cli
