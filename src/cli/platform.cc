#include "cli/platform.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>

#include "api/api_keys.h"
#include "api/api_server.h"
#include "blob/encrypted_blob_store.h"
#include "cache/audio_cache.h"
#include "cli/cloning_setup.h"
#include "cli/component_configs.h"
#include "cli/data_dir.h"
#include "cli/engine_setup.h"
#include "cli/open_store.h"
#include "cli/platform_health.h"
#include "cli/stop_signals.h"
#include "cli/watermark_setup.h"
#include "cloning/voice_creation.h"
#include "common/crypto.h"
#include "engines/engine_registry.h"
#include "http/response.h"
#include "http/server.h"
#include "obs/log.h"
#include "queue/job_queue.h"
#include "rollout/canary_monitor.h"
#include "rollout/seed_models.h"
#include "store/audit_monitor.h"
#include "store/store.h"
#include "watermark/detect_audio.h"
#include "webhook/webhook_dispatcher.h"
#include "worker/audio_sweeper.h"
#include "worker/worker_pool.h"
#include "wyoming/server.h"

namespace vox::cli {
namespace fs = std::filesystem;
namespace {

// The embedded shape owns its data directory: two `vox serve` on one
// directory would requeue each other's running jobs.
Result<int> LockDataDir(const std::string& data_dir) {
  std::string path = data_dir + "/vox.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return InvalidArgument("cannot open " + path, "VOX_DATA_DIR");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return MakeError(ErrorCode::kFailedPrecondition, "another vox process is serving " + data_dir,
                     "VOX_DATA_DIR");
  }
  return fd;
}

// VOX_SIGNING_SECRET, or a random one kept in DATA/secret (0600) so audio
// URLs stay valid across restarts.
Result<std::string> LoadOrCreateSecret(const PlatformConfig& config) {
  if (!config.signing_secret.empty()) return config.signing_secret;
  fs::path path = fs::path(config.data_dir) / "secret";
  if (std::ifstream in(path); in) {
    std::string secret;
    std::getline(in, secret);
    if (secret.size() >= 32) return secret;
  }
  std::string secret = RandomToken(48);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return InvalidArgument("cannot write " + path.string(), "VOX_DATA_DIR");
  bool ok = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  ::close(fd);
  if (!ok) return InvalidArgument("cannot write " + path.string(), "VOX_DATA_DIR");
  return secret;
}

// "vox: NAME listening on SCHEME://HOST:PORT", the line tests and operators wait for.
void AnnounceListener(const std::string& name, const std::string& scheme, const std::string& listen,
                      uint16_t port) {
  std::cout << "vox: " << name << (name.empty() ? "" : " ") << "listening on " << scheme << "://"
            << listen.substr(0, listen.rfind(':')) << ":" << port << std::endl;
}

}  // namespace

Status MigrateDatabase(const PlatformConfig& config) {
  VOX_RETURN_IF_ERROR(PrepareDataDir(config.data_dir));
  VOX_ASSIGN_OR_RETURN(auto store, store::OpenStore(config.database_url));
  return store->Migrate();
}

Status RunPlatform(const PlatformConfig& config, Role role) {
  // Before any thread starts, so every thread inherits the block (stop_signals.h).
  VOX_RETURN_IF_ERROR(InstallStopSignals());
  // Finalize() validated both settings.
  obs::ConfigureLogging(*obs::ParseLogFormat(config.log_format),
                        *obs::ParseLogLevel(config.log_level));

  VOX_ASSIGN_OR_RETURN(const ComponentConfigs components, MapSettings(config));
  VOX_RETURN_IF_ERROR(PrepareDataDir(config.data_dir));
  std::error_code ec;
  fs::create_directories(components.api.http.spool_dir, ec);  // uploads spooled there
  std::optional<int> lock_fd;
  if (role == Role::kAll) {
    VOX_ASSIGN_OR_RETURN(lock_fd, LockDataDir(config.data_dir));
  }
  spdlog::info("vox starting: {}", config.ToString());
  spdlog::info("neural threads: {} per synthesis ({})", config.neural_threads,
               config.neural_threads_origin);
  if (config.neural_threads > 1 && std::getenv("OMP_WAIT_POLICY") == nullptr) {
    // libgomp reads it as it loads, before main: only the environment can set it.
    spdlog::info("OMP_WAIT_POLICY is not set: the neural threads spin while they wait; where "
                 "cores are shared, set OMP_WAIT_POLICY=PASSIVE (the images do)");
  }

  VOX_ASSIGN_OR_RETURN(auto store, OpenConfiguredStore(config));
  VOX_RETURN_IF_ERROR(store->Migrate());
  VOX_ASSIGN_OR_RETURN(std::string secret, LoadOrCreateSecret(config));
  const EngineSetup engine_setup{.models_flag = config.model_dir,
                                 .data_dir = config.data_dir,
                                 .neural_threads = config.neural_threads,
                                 .device = config.device,
                                 .batch_max = config.batch_max,
                                 .batch_wait_ms = config.batch_wait_ms};
  VOX_ASSIGN_OR_RETURN(auto engines, OpenEngines(engine_setup));
  VOX_RETURN_IF_ERROR(rollout::SeedModels(*store, *engines));
  VOX_ASSIGN_OR_RETURN(rollout::CanaryPolicy canary_policy, rollout::CanaryPolicy::FromEnv());
  // SIGHUP and POST /v1/admin/models/reload: requests keep their voices.
  std::mutex reload_mu;
  auto reload_models = [&]() -> Result<nlohmann::json> {
    std::lock_guard lock(reload_mu);
    VOX_ASSIGN_OR_RETURN(ModelsReload report, ReloadModels(*engines, engine_setup));
    VOX_RETURN_IF_ERROR(rollout::SeedModels(*store, *engines));
    return report.ToJson();
  };
  auto reload_on_signal = [&] {
    spdlog::info("received SIGHUP: reloading the model directory and the TLS certificate");
    if (auto reloaded = reload_models(); !reloaded) {
      spdlog::error("model reload failed, the voices are unchanged: {}", reloaded.error().message);
    }
  };
  VOX_ASSIGN_OR_RETURN(auto blobs,
                       blob::OpenBlobStore(config.storage_url, config.encryption_key_file,
                                           config.encryption_plaintext == "refuse"));
  VOX_ASSIGN_OR_RETURN(auto queue, queue::OpenQueue(config.queue_url, *store));
  VOX_ASSIGN_OR_RETURN(auto cache, cache::OpenAudioCache(config.cache_url, *store));
  VOX_ASSIGN_OR_RETURN(auto watermarker, StartWatermarker(*store));

  if (role != Role::kWorker) {
    VOX_ASSIGN_OR_RETURN(auto admin, api::BootstrapAdminKey(*store, NowMs()));
    if (admin) {
      std::cout << "Created the admin API key. It is shown only this once; keep it safe:\n"
                << admin->plaintext << std::endl;
    }
  }

  obs::Registry metrics;
  auto& queue_depth = metrics.AddGauge("vox_queue_depth", "Jobs waiting for a worker.");
  metrics.AddCollector([&] {
    if (auto depth = queue->Depth()) queue_depth.With({}).Set(static_cast<double>(*depth));
  });
  RegisterQueueMetrics(metrics, *queue);
  // Every process watches the audit chain: a full check now, then the tail.
  store::AuditChainMonitor audit_monitor(*store);
  RegisterAuditChainMetrics(metrics, audit_monitor);
  audit_monitor.Start(std::chrono::seconds(config.audit_verify_interval_s));
  // Every process sweeps expired audio (VOX_AUDIO_RETENTION): passes in
  // several processes at once are safe, so no process is special.
  worker::AudioSweeper audio_sweeper(*store, *blobs, metrics, components.retention);
  audio_sweeper.Start();

  engines::Synthesizer synthesizer(*engines);
  api::UrlSigner signer(secret);
  // Every role ends jobs, so every role sends webhooks: workers for the jobs
  // they run, the API for submissions answered from the cache.
  webhook::WebhookConfig webhook_config = components.webhook;
  webhook_config.secret = secret;
  VOX_RETURN_IF_ERROR(webhook_config.Validate());
  auto webhooks = std::make_unique<webhook::WebhookDispatcher>(
      webhook_config, webhook::AddWebhookDeliveriesMetric(metrics));
  api::JobService jobs(*store, *queue, *blobs, *cache, synthesizer, signer, metrics,
                       components.jobs, webhooks.get());
  api::UsageMeter meter(*store);  // plans and usage (api/usage_meter.h)
  jobs.UseMeter(&meter);
  jobs.UseWatermarker(watermarker.get());

  // Workers score cloned output with the same encoder the voices were made with.
  auto speaker_encoder = MakeSpeakerEncoder();
  // Cloning is optional: without it (no speech recognizer for consent checks)
  // everything else serves, the API refuses uploads with 503 and /readyz says
  // why without making the process unready. Workers need it to create voices.
  auto cloning_kit = MakeCloningKit(*store, *blobs, *engines, config);
  if (!cloning_kit) spdlog::warn("voice cloning disabled: {}", cloning_kit.error().message);
  cloning::VoiceCloner* cloner = cloning_kit ? cloning_kit->cloner.get() : nullptr;
  // Vox's own output (its watermark) is refused as consent or samples.
  if (cloner) cloner->UseWatermarkDetector(watermarker.get());
  std::unique_ptr<worker::WorkerMetrics> worker_metrics;
  std::unique_ptr<worker::JobRunner> runner;
  std::unique_ptr<worker::WorkerPool> pool;
  if (role != Role::kApi) {
    worker_metrics = std::make_unique<worker::WorkerMetrics>(metrics);
    worker::JobRunnerConfig runner_config = components.runner;
    fs::create_directories(runner_config.temp_dir, ec);
    // The embedded shape holds the data-directory lock: every temp file there is
    // a dead process's. Other workers may share the directory: only stale ones.
    SweepJobTempFiles(runner_config.temp_dir,
                      role == Role::kAll ? std::chrono::seconds(0) : std::chrono::seconds(900));
    runner_config.speaker_encoder = speaker_encoder.get();
    runner_config.cloner = cloner;
    runner_config.watermarker = watermarker.get();
    runner = std::make_unique<worker::JobRunner>(*store, *blobs, *cache, synthesizer,
                                                 *worker_metrics, runner_config);
    worker::WorkerPoolConfig pool_config = components.pool;
    pool_config.worker_id = "worker-" + std::to_string(::getpid()) + "-" + RandomToken(6);
    pool = std::make_unique<worker::WorkerPool>(
        *queue, *store, *runner, *worker_metrics, pool_config,
        [&](const store::Job& job) {
          jobs.AnnounceEnded(job);
          if (auto s = cloning::SettleVoiceCreation(*store, *blobs, job); !s) {
            spdlog::warn("job {}: voice creation not settled: {}", job.id, s.error().message);
          }
        },
        [&] {
          // Creations whose job ended where no worker settled them (the queue
          // failed it after its workers died, or an API cancel raced a crash).
          auto swept = cloning::SweepVoiceCreations(*store, *blobs, 100);
          if (!swept) spdlog::warn("voice creation sweep: {}", swept.error().message);
        });
    pool->Start();
  }

  std::unique_ptr<api::ApiServer> server;
  if (role != Role::kWorker) {
    auto checks = ReadinessChecks(*store, *blobs, *queue, *engines, pool.get());
    Status cloning_status = cloning_kit ? Status{} : Status(std::unexpected(cloning_kit.error()));
    checks.push_back({"cloning", [cloning_status] { return cloning_status; }, /*required=*/false});
    VOX_ASSIGN_OR_RETURN(auto token_keys, api::TokenKeys(components.api.auth, secret));
    auto tokens =
        std::make_unique<api::JwtVerifier>(std::move(token_keys), components.api.auth.jwt_leeway_s);
    auto authenticator =
        std::make_unique<api::Authenticator>(*store, Clock::System(), 30'000, tokens.get());
    auto oauth = std::make_unique<api::OAuthTokenService>(*store, api::VoxTokenKey(secret),
                                                          components.api.auth.oauth_token_ttl_s);
    server =
        std::make_unique<api::ApiServer>(components.api, jobs, *authenticator, *engines, *store,
                                         *blobs, metrics, std::move(checks), cloner, oauth.get());
    server->SetModelsReloader(reload_models);
    server->UseWatermarker(*watermarker);
    std::unique_ptr<api::TokenBuckets> shared_limits;
    if (config.rate_limit_url.starts_with("redis://")) {
      VOX_ASSIGN_OR_RETURN(shared_limits, api::OpenRedisTokenBuckets(config.rate_limit_url));
    }
    server->UseMeter(&meter, std::move(shared_limits));
    VOX_RETURN_IF_ERROR(server->Start());
    // Rolls back canaries that fail more jobs than their stable version.
    rollout::CanaryMonitor canary_monitor(*store, canary_policy);
    std::unique_ptr<wyoming::WyomingMetrics> wyoming_metrics;
    std::unique_ptr<wyoming::WyomingServer> wyoming_server;
    if (!components.wyoming.listen.empty()) {
      // Checked at start: a default voice that does not exist is a bad setting.
      if (!config.wyoming_voice.empty() && !engines->FindVoice(config.wyoming_voice)) {
        return InvalidArgument("no such voice '" + config.wyoming_voice + "'", "VOX_WYOMING_VOICE");
      }
      wyoming_metrics = std::make_unique<wyoming::WyomingMetrics>(metrics);
      wyoming_server = std::make_unique<wyoming::WyomingServer>(components.wyoming, *engines,
                                                                synthesizer, wyoming_metrics.get());
      // No user to name: the event is the listener's, with what was spoken.
      wyoming_server->SetSpokenSink([&store](const wyoming::SpokenRecord& r) {
        store::AuditEvent audit;
        audit.action = std::string(watermark::kWyomingAuditAction);
        // The mark's id as the target: the detect route names the synthesis by it.
        audit.target_type = "wyoming";
        audit.target_id = r.mark_id;
        nlohmann::json detail = {{"route", r.route},     {"voice_id", r.voice_id},
                                 {"chars", r.chars},     {"text_sha256", r.text_sha256},
                                 {"outcome", r.outcome}, {"mark_id", r.mark_id}};
        audit.detail = detail.dump();
        (void)store->AppendAudit(audit);
      });
      wyoming_server->UseWatermarker(watermarker.get());
      VOX_RETURN_IF_ERROR(wyoming_server->Start());
      AnnounceListener("wyoming", "tcp", components.wyoming.listen, wyoming_server->port());
    }
    if (!config.internal_listen.empty()) {
      AnnounceListener("internal", "http", config.internal_listen, server->internal_port());
    }
    AnnounceListener("", config.tls_cert.empty() ? "http" : "https", config.listen, server->port());
    // SIGHUP: the models, then the certificate (a failure of either keeps the old one, logged).
    int sig = WaitForStopSignal([&] {
      reload_on_signal();
      (void)server->ReloadTls();
    });
    spdlog::info("received signal {}: draining", sig);
    // Wyoming syntheses in progress get the same grace as HTTP requests.
    if (wyoming_server) wyoming_server->Stop(std::chrono::seconds(5));
    wyoming_server.reset();
    server->Stop(std::chrono::seconds(5));
    server.reset();
    authenticator.reset();
  } else {
    // A worker's job, stage and RTF metrics, for Prometheus; rendered on the
    // one io thread (a scrape every few seconds, no request traffic here).
    std::unique_ptr<http::HttpServer> metrics_server;
    if (!config.metrics_listen.empty()) {
      http::Router router;
      (void)router.Add("GET", "/metrics", [&metrics](http::Request&, http::Responder respond) {
        respond(http::Text(200, metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
      });
      (void)router.Add("GET", "/healthz", [](http::Request&, http::Responder respond) {
        respond(http::Json(200, {{"status", "ok"}}));
      });
      metrics_server = std::make_unique<http::HttpServer>(
          http::HttpServerConfig{.listen = config.metrics_listen}, std::move(router));
      VOX_RETURN_IF_ERROR(metrics_server->Start());
      AnnounceListener("metrics", "http", config.metrics_listen, metrics_server->port());
    }
    std::cout << "vox: worker running with " << config.workers << " thread(s)" << std::endl;
    int sig = WaitForStopSignal(reload_on_signal);
    spdlog::info("received signal {}: draining", sig);
  }
  if (pool) pool->Drain(std::chrono::seconds(config.drain_grace_s));
  queue->Shutdown();
  pool.reset();
  webhooks.reset();
  if (lock_fd) ::close(*lock_fd);
  spdlog::info("vox stopped cleanly");
  return {};
}

}  // namespace vox::cli
