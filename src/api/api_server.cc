#include "api/api_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <charconv>
#include <cmath>

#include "api/api_responses.h"
#include "http/range.h"
#include "obs/log.h"
#include "web/static_site.h"

namespace vox::api {

using http::Request;
using http::Responder;
using http::Response;
using nlohmann::json;

namespace {

// What of a voice upload stays in memory; the rest is read to a temporary file.
constexpr size_t kUploadMemoryBytes = 1u << 20;
// GET /v1/tts/jobs: each listed job costs a read of its events.
constexpr int kMaxListedJobs = 100;

// One line per request: what an operator greps for. Never a key or a token:
// the principal is the key's id.
void LogAccess(const http::RequestLog& log, const std::string& method, const std::string& route,
               double seconds) {
  // On the io thread for every request: build nothing when the line is filtered out.
  if (!spdlog::should_log(spdlog::level::info)) return;
  json fields = {{"method", method},
                 {"route", route},
                 {"status", log.status},
                 {"duration_ms", std::round(seconds * 1e5) / 100},
                 {"bytes_in", log.bytes_received},
                 {"bytes_out", log.bytes_sent},
                 {"remote", log.remote_address}};
  if (!log.principal.empty()) fields["key_id"] = log.principal;
  obs::LogContext context(log.request_id, "");
  obs::LogWithFields(spdlog::level::info, "request", fields);
}

}  // namespace

Status ApiServerConfig::Validate() const {
  VOX_RETURN_IF_ERROR(http.Validate());
  if (!internal_listen.empty()) {
    VOX_RETURN_IF_ERROR(http::ParseListenAddress(internal_listen, "VOX_INTERNAL_LISTEN"));
  }
  if (handler_threads < 1 || handler_threads > 256) {
    return InvalidArgument("must be 1..256", "VOX_API_HANDLER_THREADS");
  }
  if (!(submit_rate >= 0) || !(submit_burst >= 0)) {
    return InvalidArgument("must be >= 0", "VOX_RATE_LIMIT");
  }
  if (max_upload_bytes < 1024) return InvalidArgument("must be >= 1024", "VOX_MAX_UPLOAD_BYTES");
  VOX_RETURN_IF_ERROR(stream.Validate());
  VOX_RETURN_IF_ERROR(openai::VoiceTable::Create(openai_voices));
  VOX_RETURN_IF_ERROR(auth.Validate());
  return {};
}

ApiServer::ApiServer(ApiServerConfig config, JobService& jobs, Authenticator& auth,
                     const engines::EngineRegistry& engines, store::Store& store,
                     blob::BlobStore& blobs, obs::Registry& metrics,
                     std::vector<ReadinessCheck> readiness, cloning::VoiceCloner* cloner,
                     const OAuthTokenService* oauth)
    : config_(std::move(config)),
      jobs_(jobs),
      auth_(auth),
      engines_(engines),
      store_(store),
      blobs_(blobs),
      metrics_(metrics),
      readiness_(std::move(readiness)),
      cloner_(cloner),
      oauth_(oauth),
      limiter_(config_.submit_rate, config_.submit_burst),
      requests_(metrics.AddCounter("vox_http_requests_total", "HTTP requests by route and status.",
                                   {"method", "route", "status"})),
      latency_(metrics.AddHistogram("vox_http_request_duration_seconds",
                                    "HTTP request latency by route.", {"method", "route"})),
      voice_creations_(metrics.AddCounter(
          "vox_voice_creations_total",
          "Voice uploads by outcome: accepted (a worker makes the voice), invalid, busy, error.",
          {"outcome"})),
      handler_pool_(static_cast<size_t>(std::max(1, config_.handler_threads))),
      synthesizer_(engines),
      streams_(std::make_unique<StreamService>(store, &blobs, synthesizer_, metrics, config_.stream,
                                               jobs.limits())) {
  streams_->UseCache(&jobs.cache());  // streams are cached like jobs (stream_cache.h)
  auto voices = openai::VoiceTable::Create(config_.openai_voices);  // Validate() checked it
  openai_speech_ = std::make_unique<openai::SpeechRoute>(
      *streams_, auth_, scopes_, limiter_, voices ? std::move(*voices) : openai::VoiceTable(),
      [this](std::function<void()> work) { boost::asio::post(handler_pool_, std::move(work)); },
      config_.compat_ssml);
  auto post = [this](std::function<void()> work) {
    boost::asio::post(handler_pool_, std::move(work));
  };
  openai_voices_ = std::make_unique<openai::VoicesRoute>(openai::VoicesRouteDeps{
      auth_, scopes_, limiter_, jobs_, store_, blobs_, cloner_, voice_creations_, post});
  elevenlabs_tts_ = std::make_unique<elevenlabs::TextToSpeechRoute>(*streams_, auth_, limiter_,
                                                                    post, config_.compat_ssml);
  elevenlabs_catalog_ =
      std::make_unique<elevenlabs::CatalogRoute>(auth_, limiter_, engines_, store_, cloner_, post);
  elevenlabs_stream_input_ = std::make_unique<elevenlabs::StreamInputRoute>(
      elevenlabs::StreamInputDeps{*streams_,
                                  auth_,
                                  limiter_,
                                  post,
                                  // A reader that stops reading is let go when any response's
                                  // would be (VOX_HTTP_WRITE_TIMEOUT_MS).
                                  {.write_timeout = config_.http.write_timeout}});
  auto observe = [this](const http::RequestLog& log) {
    std::string method(log.method.empty() ? "-" : log.method);
    std::string route(log.route);
    requests_.With({method, route, std::to_string(log.status)}).Inc();
    const double seconds = std::chrono::duration<double>(log.duration).count();
    latency_.With({method, route}).Observe(seconds);
    LogAccess(log, method, route, seconds);
  };
  http::Router internal;
  const bool split = !config_.internal_listen.empty();
  server_ = std::make_unique<http::HttpServer>(config_.http,
                                               BuildRouter(split ? &internal : nullptr), observe);
  if (split) {
    // The public listener's limits and timeouts, one io thread, never TLS: it is meant for a
    // private interface (a Prometheus scrape, a probe, an operator).
    http::HttpServerConfig internal_http = config_.http;
    internal_http.listen = config_.internal_listen;
    internal_http.io_threads = 1;
    internal_http.tls_cert_file.clear();
    internal_http.tls_key_file.clear();
    internal_server_ =
        std::make_unique<http::HttpServer>(internal_http, std::move(internal), observe);
  }
}

ApiServer::~ApiServer() { handler_pool_.join(); }

void ApiServer::UseMeter(UsageMeter* meter, std::unique_ptr<TokenBuckets> shared) {
  meter_ = meter;
  limiter_.UsePlans(meter);
  streams_->UseMeter(meter);
  elevenlabs_catalog_->UseMeter(meter);
  if (shared) limiter_.UseShared(std::move(shared), metrics_);
}

void ApiServer::UseWatermarker(const watermark::Watermarker& watermarker) {
  watermarker_ = &watermarker;
  streams_->UseWatermarker(&watermarker);
  jobs_.UseWatermarker(&watermarker);
}

Status ApiServer::Start() {
  if (internal_server_) {
    if (auto started = internal_server_->Start(); !started) {
      Error e = started.error();
      if (e.field.empty() || e.field == "listen") e.field = "VOX_INTERNAL_LISTEN";
      return std::unexpected(e);
    }
  }
  return server_->Start();
}

void ApiServer::Stop(std::chrono::milliseconds grace) {
  if (internal_server_) internal_server_->Stop(grace);
  server_->Stop(grace);
  handler_pool_.join();
  streams_->Stop();  // their connections are closed: each stream stops at its next check
}

void ApiServer::Offload(const Request& request, Responder respond, std::function<Response()> work) {
  boost::asio::post(handler_pool_, [request_id = request.request_id, respond = std::move(respond),
                                    work = std::move(work)] {
    obs::LogContext context(request_id, "");
    try {
      respond(work());
    } catch (const std::exception& e) {
      spdlog::error("handler threw: {}", e.what());
      respond(http::JsonError(500, "internal", "internal error"));
    }
  });
}

http::Gate ApiServer::AuthGate() {
  return [this](const Request& request, http::GateDecision decide) {
    auto authorization = HeaderCopy(request, "Authorization");
    boost::asio::post(handler_pool_, [this, scope = scopes_.For(request), authorization, decide] {
      auto who = auth_.Authorize(authorization, scope);
      decide(who ? std::nullopt : std::optional<Response>(FromError(who.error())));
    });
  };
}

void ApiServer::Authed(Request& request, Responder respond,
                       std::function<Response(const Principal&)> work) {
  auto authorization = HeaderCopy(request, "Authorization");
  Offload(request, std::move(respond),
          [this, scope = scopes_.For(request), authorization, work = std::move(work)] {
            auto who = auth_.Authorize(authorization, scope);
            if (!who) return FromError(who.error());
            Response response = work(*who);
            response.log_principal = who->key_id;
            return response;
          });
}

http::Router ApiServer::BuildRouter(http::Router* internal) {
  http::Router router;
  http::Router* target = &router;  // where route() adds: switched for the operators' routes
  // Every route names the scope a caller needs (nullopt: no credential; the
  // audio URL carries its own signature). Undeclared routes need admin.
  constexpr std::optional<Scope> kPublic;
  auto route = [&](std::string_view method, std::string_view pattern, std::optional<Scope> scope,
                   http::Handler handler, http::RouteOptions options = {}) {
    if (scope) scopes_.Declare(method, pattern, *scope);
    auto added = target->Add(method, pattern, std::move(handler), std::move(options));
    if (!added) spdlog::critical("route {} {}: {}", method, pattern, added.error().ToString());
  };
  auto add = [&](std::string_view method, std::string_view pattern, std::optional<Scope> scope,
                 void (ApiServer::*handler)(Request&, Responder), http::RouteOptions options = {}) {
    route(
        method, pattern, scope,
        [this, handler](Request& r, Responder respond) { (this->*handler)(r, std::move(respond)); },
        std::move(options));
  };
  // Routes with bodies authenticate from the headers first: a refused client's
  // body is never read (the handler authenticates again, from the key cache).
  add("POST", "/v1/tts/synthesize", Scope::kTtsWrite, &ApiServer::Synthesize,
      {.max_body_bytes = jobs_.limits().MaxJsonBodyBytes(), .gate = AuthGate()});
  add("POST", "/v1/tts/stream", Scope::kTtsWrite, &ApiServer::Stream,
      {.max_body_bytes = jobs_.limits().MaxJsonBodyBytes(), .gate = AuthGate()});
  route("POST", "/v1/audio/speech", Scope::kTtsWrite,
        [this](Request& r, Responder respond) { openai_speech_->Handle(r, std::move(respond)); },
        {.max_body_bytes = 64 * 1024, .gate = openai_speech_->Gate()});
  add("GET", "/v1/tts/job/{job_id}", Scope::kTtsRead, &ApiServer::GetJob);
  add("GET", "/v1/tts/jobs", Scope::kTtsRead, &ApiServer::ListJobs);
  add("DELETE", "/v1/tts/job/{job_id}", Scope::kTtsWrite, &ApiServer::CancelJob);
  add("GET", "/v1/tts/job/{job_id}/timestamps", Scope::kTtsRead, &ApiServer::GetJobTimestamps);
  add("GET", "/v1/audio/{file}", kPublic, &ApiServer::GetAudio);
  add("GET", "/v1/voices", Scope::kVoicesRead, &ApiServer::ListVoices);
  add("GET", "/v1/voices/{voice_id}", Scope::kVoicesRead, &ApiServer::GetVoice);
  add("DELETE", "/v1/voices/{voice_id}", Scope::kVoicesWrite, &ApiServer::DeleteVoice);
  add("POST", "/v1/voices/{voice_id}/revoke-consent", Scope::kVoicesWrite,
      &ApiServer::RevokeConsent, {.max_body_bytes = 4096});
  // Uploads past a megabyte are read to an unlinked temporary file, not memory.
  const http::RouteOptions upload = {.max_body_bytes = config_.max_upload_bytes,
                                     .spool_above_bytes = kUploadMemoryBytes};
  add("POST", "/v1/voice/create", Scope::kVoicesWrite, &ApiServer::CreateVoice,
      {.max_body_bytes = upload.max_body_bytes,
       .spool_above_bytes = upload.spool_above_bytes,
       .gate = AuthGate()});
  add("GET", "/v1/voice/consent-statement", Scope::kVoicesWrite, &ApiServer::ConsentStatement);
  add("GET", "/v1/models", Scope::kTtsRead, &ApiServer::ListModels);
  add("GET", "/v1/usage", Scope::kTtsRead, &ApiServer::Usage);
  add("POST", "/v1/watermark/detect", Scope::kTtsRead, &ApiServer::DetectWatermark,
      {.max_body_bytes = upload.max_body_bytes,
       .spool_above_bytes = upload.spool_above_bytes,
       .gate = AuthGate()});
  // The client authenticates itself (Basic or the form); no bearer credential.
  if (oauth_ != nullptr) {
    add("POST", "/v1/oauth/token", kPublic, &ApiServer::OAuthToken, {.max_body_bytes = 16 * 1024});
  }
  AddOpenAiVoiceRoutes(router);  // declares its scopes in scopes_
  AddElevenLabsRoutes(router);   // xi-api-key: each route checks its scope itself
  auto healthz = [](Request&, Responder respond) { respond(http::Json(200, {{"status", "ok"}})); };
  (void)router.Add("GET", "/healthz", healthz);

  // Operators' routes: on the internal listener when there is one. Admin routes still need an
  // admin credential there; /metrics and /readyz need none.
  if (internal != nullptr) {
    add("GET", "/readyz", kPublic, &ApiServer::ReadyBrief);  // public: the verdict only
    (void)internal->Add("GET", "/healthz", healthz);
    target = internal;
  }
  add("GET", "/readyz", kPublic, &ApiServer::Ready);
  add("POST", "/v1/admin/protected-voices", Scope::kAdmin, &ApiServer::AddProtectedVoice,
      {.max_body_bytes = upload.max_body_bytes,
       .spool_above_bytes = upload.spool_above_bytes,
       .gate = AuthGate()});
  add("GET", "/v1/admin/protected-voices", Scope::kAdmin, &ApiServer::ListProtectedVoices);
  add("DELETE", "/v1/admin/protected-voices/{id}", Scope::kAdmin, &ApiServer::RemoveProtectedVoice);
  add("POST", "/v1/admin/models/reload", Scope::kAdmin, &ApiServer::ReloadModels,
      {.max_body_bytes = 4096, .gate = AuthGate()});
  // Rendering walks every series: on the handler pool, never on an io thread.
  (void)target->Add("GET", "/metrics", [this](Request& request, Responder respond) {
    Offload(request, std::move(respond), [this] {
      return http::Text(200, metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
    });
  });
  target = &router;
  // The web playground: "/" and "/web/<file>", literal routes that shadow none of the above.
  if (auto added = web::AddWebRoutes(router); !added) {
    spdlog::critical("web routes: {}", added.error().ToString());
  }
  return router;
}

void ApiServer::AddOpenAiVoiceRoutes(http::Router& router) {
  using Handler = void (openai::VoicesRoute::*)(Request&, Responder);
  struct Entry {
    const char* method;
    const char* pattern;
    Scope scope;
    Handler handler;
  };
  const Entry entries[] = {
      {"POST", "/v1/audio/voice_consents", Scope::kVoicesWrite,
       &openai::VoicesRoute::CreateConsent},
      {"GET", "/v1/audio/voice_consents", Scope::kVoicesRead, &openai::VoicesRoute::ListConsents},
      {"GET", "/v1/audio/voice_consents/{consent_id}", Scope::kVoicesRead,
       &openai::VoicesRoute::GetConsent},
      {"DELETE", "/v1/audio/voice_consents/{consent_id}", Scope::kVoicesWrite,
       &openai::VoicesRoute::DeleteConsent},
      {"POST", "/v1/audio/voices", Scope::kVoicesWrite, &openai::VoicesRoute::CreateVoice},
      {"GET", "/v1/audio/voices", Scope::kVoicesRead, &openai::VoicesRoute::ListVoices},
      {"GET", "/v1/audio/voices/{voice_id}", Scope::kVoicesRead, &openai::VoicesRoute::GetVoice},
      {"DELETE", "/v1/audio/voices/{voice_id}", Scope::kVoicesWrite,
       &openai::VoicesRoute::DeleteVoice},
  };
  for (const Entry& e : entries) {
    scopes_.Declare(e.method, e.pattern, e.scope);
    http::RouteOptions options;
    if (std::string_view(e.method) == "POST") {  // uploads, as POST /v1/voice/create's
      options = {.max_body_bytes = config_.max_upload_bytes,
                 .spool_above_bytes = kUploadMemoryBytes,
                 .gate = openai_voices_->Gate()};
    }
    auto added = router.Add(
        e.method, e.pattern,
        [this, handler = e.handler](Request& r, Responder respond) {
          ((*openai_voices_).*handler)(r, std::move(respond));
        },
        std::move(options));
    if (!added) spdlog::critical("route {} {}: {}", e.method, e.pattern, added.error().ToString());
  }
}

void ApiServer::Synthesize(Request& request, Responder respond) {
  auto content_type = request.Header("Content-Type");
  if (!content_type || content_type->substr(0, 16) != "application/json") {
    respond(http::JsonError(415, "unsupported_media_type", "Content-Type must be application/json",
                            "Content-Type"));
    return;
  }
  auto idempotency_key = HeaderCopy(request, "Idempotency-Key");
  Authed(request, std::move(respond),
         [this, &request, idempotency_key](const Principal& who) -> Response {
           int retry_after = 1;
           if (!limiter_.Allow(who, &retry_after)) {
             Response r = http::JsonError(429, "rate_limited", "too many submissions; slow down");
             r.headers.Set("Retry-After", std::to_string(retry_after));
             return r;
           }
           auto parsed = ParseSynthesizeRequest(request.body, jobs_.limits());
           if (!parsed) return FromError(parsed.error());
           auto submitted = jobs_.Submit(who, *parsed, idempotency_key, request.request_id);
           if (!submitted) return FromError(submitted.error());
           json body = {{"job_id", submitted->job.id},
                        {"status", store::JobStatusName(submitted->job.status)},
                        {"cache_hit", submitted->job.cache_hit}};
           Response r = http::Json(202, body);
           r.headers.Set("Location", "/v1/tts/job/" + submitted->job.id);
           if (!submitted->created) r.headers.Set("Idempotent-Replayed", "true");
           return r;
         });
}

void ApiServer::GetJob(Request& request, Responder respond) {
  std::string id(request.PathParam("job_id"));
  Authed(request, std::move(respond), [this, id](const Principal& who) -> Response {
    auto job = jobs_.Describe(who, id);
    return job ? http::Json(200, *job) : FromError(job.error());
  });
}

void ApiServer::ListJobs(Request& request, Responder respond) {
  std::string limit_text(request.Query("limit").value_or("20"));
  Authed(request, std::move(respond), [this, limit_text](const Principal& who) -> Response {
    int limit = 0;
    auto [end, ec] =
        std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc() || end != limit_text.data() + limit_text.size() || limit < 1 ||
        limit > kMaxListedJobs) {
      return http::JsonError(400, "invalid_argument",
                             "limit must be an integer from 1 to " + std::to_string(kMaxListedJobs),
                             "limit");
    }
    auto jobs = jobs_.ListRecent(who, limit);
    return jobs ? http::Json(200, {{"jobs", *jobs}}) : FromError(jobs.error());
  });
}

void ApiServer::GetJobTimestamps(Request& request, Responder respond) {
  std::string id(request.PathParam("job_id"));
  Authed(request, std::move(respond), [this, id](const Principal& who) -> Response {
    auto timestamps = jobs_.Timestamps(who, id);
    return timestamps ? http::Json(200, *timestamps) : FromError(timestamps.error());
  });
}

void ApiServer::CancelJob(Request& request, Responder respond) {
  std::string id(request.PathParam("job_id"));
  std::string request_id = request.request_id;
  Authed(request, std::move(respond), [this, id, request_id](const Principal& who) -> Response {
    auto job = jobs_.Cancel(who, id, request_id);
    return job ? http::Json(200, *job) : FromError(job.error());
  });
}

void ApiServer::GetAudio(Request& request, Responder respond) {
  std::string file(request.PathParam("file"));
  std::string path(request.path);
  std::string expires(request.Query("expires").value_or(""));
  std::string signature(request.Query("signature").value_or(""));
  std::string range_header(request.Header("Range").value_or(""));
  Offload(request, std::move(respond), [=, this]() -> Response {
    if (auto ok = jobs_.signer().Verify(path, expires, signature, NowMs() / 1000); !ok) {
      return FromError(ok.error());
    }
    std::string job_id = file.substr(0, file.find('.'));
    auto job = jobs_.JobForAudio(job_id);
    if (!job) return FromError(job.error());
    if (job->audio_expired_at) {  // VOX_AUDIO_RETENTION: the row stays, the audio is gone
      return http::JsonError(410, "audio_expired",
                             "this job's audio was deleted at " + Iso8601(*job->audio_expired_at) +
                                 " after the server's audio retention period");
    }
    auto info = blobs_.Head(*job->audio_key);
    if (!info) return FromError(info.error());
    if (auto local = blobs_.LocalPath(*job->audio_key)) {
      Response r = http::File(*local, info->content_type);
      r.headers.Set("Cache-Control", "private, max-age=3600");
      return r;
    }
    // No local file (S3, or encryption at rest): ranges are read from the store itself, which
    // for encrypted audio decrypts only the chunks they cover.
    auto range = http::ParseRange(range_header, info->size);
    if (range.kind == http::RangeKind::kUnsatisfiable) {
      Response r = http::Text(416, "", info->content_type);
      r.headers.Set("Content-Range", "bytes */" + std::to_string(info->size));
      return r;
    }
    bool partial = range.kind == http::RangeKind::kSatisfiable;
    auto bytes = partial ? blobs_.GetRange(*job->audio_key, range.range.first, range.range.length())
                         : blobs_.Get(*job->audio_key);
    if (!bytes) return FromError(bytes.error());
    Response r = http::Text(partial ? 206 : 200, std::move(*bytes), info->content_type);
    r.headers.Set("Accept-Ranges", "bytes");
    if (partial) r.headers.Set("Content-Range", http::ContentRange(range.range, info->size));
    r.headers.Set("Cache-Control", "private, max-age=3600");
    return r;
  });
}

void ApiServer::ListModels(Request& request, Responder respond) {
  if (elevenlabs::IsElevenLabsRequest(request)) {
    return elevenlabs_catalog_->ListModels(request, std::move(respond));
  }
  Authed(request, std::move(respond), [this](const Principal&) -> Response {
    auto models = store_.ListModels(std::nullopt);
    if (!models) return FromError(models.error());
    json out = json::array();
    for (const auto& m : *models) {
      out.push_back({{"id", m.id},
                     {"engine", m.engine},
                     {"name", m.name},
                     {"version", m.version},
                     {"status", store::ModelStatusName(m.status)},
                     {"tags", json::parse(m.tags, nullptr, false)},
                     {"manifest", json::parse(m.manifest, nullptr, false)},
                     {"created_at", Iso8601(m.created_at)}});
    }
    return http::Json(200, {{"models", out}});
  });
}

void ApiServer::ReloadModels(Request& request, Responder respond) {
  std::string request_id = request.request_id;
  Authed(request, std::move(respond), [this, request_id](const Principal& who) -> Response {
    if (!who.is_admin) return AdminOnly();
    if (!reload_models_) {
      return http::JsonError(503, "unavailable", "this process cannot reload models", "");
    }
    auto report = reload_models_();
    store::AuditEvent audit;
    audit.actor_user_id = who.user_id;
    audit.actor_key_id = who.key_id;
    audit.action = "models.reload";
    audit.target_type = "models";
    audit.request_id = request_id;
    audit.detail = (report ? *report : json{{"error", report.error().message}}).dump();
    (void)store_.AppendAudit(audit);
    if (!report) return FromError(report.error());
    return http::Json(200, *report);
  });
}

void ApiServer::Usage(Request& request, Responder respond) {
  Authed(request, std::move(respond), [this](const Principal& who) -> Response {
    if (meter_ == nullptr) return http::JsonError(503, "unavailable", "usage is not metered here");
    auto report = meter_->Report(who);
    return report ? http::Json(200, *report) : FromError(report.error());
  });
}

void ApiServer::OAuthToken(Request& request, Responder respond) {
  TokenRequest token{HeaderCopy(request, "Content-Type"), HeaderCopy(request, "Authorization"),
                     std::move(request.body)};
  Offload(request, std::move(respond),
          [this, token = std::move(token)] { return oauth_->Token(token); });
}

void ApiServer::Ready(Request& request, Responder respond) {
  Offload(request, std::move(respond), [this] { return Readiness(true); });
}

void ApiServer::ReadyBrief(Request& request, Responder respond) {
  Offload(request, std::move(respond), [this] { return Readiness(false); });
}

Response ApiServer::Readiness(bool detailed) {
  json checks = json::object();
  bool ready = true;
  for (const auto& c : readiness_) {
    auto s = c.check();
    ready = ready && (s.has_value() || !c.required);
    if (!detailed) continue;
    json status = s ? json("ok") : json(s.error().message);
    if (c.detail) {
      json detail = c.detail();
      detail["status"] = status;
      checks[c.name] = detail;
    } else {
      checks[c.name] = status;
    }
  }
  json body = {{"status", ready ? "ready" : "unavailable"}};
  if (detailed) body["checks"] = checks;
  Response r = http::Json(ready ? 200 : 503, body);
  if (!ready) r.headers.Set("Retry-After", "5");
  return r;
}

}  // namespace vox::api
