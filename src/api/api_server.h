// ApiServer: the HTTP routes of the public contract, on the http core.
//
// The io threads only parse, route and answer; every handler that touches the
// database, the blob store or an engine runs on `handler_pool`, a bounded
// pool separate from synthesis, so network I/O never waits on either.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/auth_config.h"
#include "api/authenticator.h"
#include "api/elevenlabs/catalog_route.h"
#include "api/elevenlabs/stream_input_route.h"
#include "api/elevenlabs/tts_route.h"
#include "api/job_service.h"
#include "api/oauth_token.h"
#include "api/openai/speech_route.h"
#include "api/openai/voices_route.h"
#include "api/rate_limiter.h"
#include "api/route_scopes.h"
#include "api/stream_service.h"
#include "api/usage_meter.h"
#include "cloning/voice_cloner.h"
#include "engines/engine_registry.h"
#include "http/server.h"
#include "obs/metrics.h"
#include "watermark/watermarker.h"

namespace vox::api {

struct ApiServerConfig {
  http::HttpServerConfig http;  // the public listener (TLS when it has a certificate)
  // VOX_INTERNAL_LISTEN: HOST:PORT of a second listener, plain HTTP, for operators: /metrics,
  // /readyz with its checks and /v1/admin/* are served there only (the public listener answers
  // them 404, and its /readyz only "ready" or "unavailable"). Empty: all on the public one.
  std::string internal_listen;
  int handler_threads = 4;   // VOX_API_HANDLER_THREADS
  double submit_rate = 100;  // VOX_RATE_LIMIT: submissions per second per key; 0 = off
  double submit_burst = 200;
  size_t max_upload_bytes = 50u << 20;  // VOX_MAX_UPLOAD_BYTES: a voice upload, all parts
  StreamServiceConfig stream;           // /v1/tts/stream and /v1/audio/speech
  std::string openai_voices;            // VOX_OPENAI_VOICES (openai/voice_table.h)
  bool compat_ssml = false;             // VOX_COMPAT_SSML: <speak> bodies (compat_ssml.h)
  AuthConfig auth;                      // bearer tokens (the caller builds the verifier)

  // The HTTP core's checks (fields named as in HttpServerConfig), then these
  // (named by their VOX_* setting).
  Status Validate() const;
};

// Readiness of one dependency, for /readyz.
struct ReadinessCheck {
  std::string name;
  std::function<Status()> check;
  // A failing optional check is reported but leaves the process ready (an
  // API process with no live workers still accepts jobs: they wait queued).
  bool required = true;
  // Extra facts shown under the check's name: {"status": ..., ...detail}.
  std::function<nlohmann::json()> detail;
};

class ApiServer {
 public:
  ApiServer(ApiServerConfig config, JobService& jobs, Authenticator& auth,
            const engines::EngineRegistry& engines, store::Store& store, blob::BlobStore& blobs,
            obs::Registry& metrics, std::vector<ReadinessCheck> readiness,
            cloning::VoiceCloner* cloner = nullptr, const OAuthTokenService* oauth = nullptr);
  ~ApiServer();

  // Reloads the model directory (POST /v1/admin/models/reload) and answers
  // what changed; set before Start(). Unset: the route answers 503.
  void SetModelsReloader(std::function<Result<nlohmann::json>()> reload) {
    reload_models_ = std::move(reload);
  }

  // Plans and usage (quota, concurrency, voice slots, per-plan rates, GET
  // /v1/usage); without a meter nothing is limited by plan and /v1/usage is 503.
  // `shared` (null: per-process buckets) holds the rate limits' buckets. Set before Start().
  void UseMeter(UsageMeter* meter, std::unique_ptr<TokenBuckets> shared);

  // Marks every stream's audio (jobs are marked by the workers) and reads marks back
  // (POST /v1/watermark/detect). Not owned; set before Start(). Unset: streams are not
  // marked and the detect route answers 503.
  void UseWatermarker(const watermark::Watermarker& watermarker);

  Status Start();
  uint16_t port() const { return server_->port(); }
  // The internal listener's port; 0 without one.
  uint16_t internal_port() const { return internal_server_ ? internal_server_->port() : 0; }
  // Re-reads the public listener's TLS certificate and key (SIGHUP); see HttpServer::ReloadTls.
  Status ReloadTls() { return server_->ReloadTls(); }
  // Stops accepting, lets in-flight requests finish within `grace`.
  void Stop(std::chrono::milliseconds grace);

 private:
  // The public routes; the operators' routes go to `internal` when there is an internal
  // listener, else to the public router too.
  http::Router BuildRouter(http::Router* internal);
  // OpenAI's custom-voice routes (api/openai/voices_route.h), on `router`.
  void AddOpenAiVoiceRoutes(http::Router& router);
  // ElevenLabs' routes (api/elevenlabs/), on `router`.
  void AddElevenLabsRoutes(http::Router& router);
  // Runs `work` on the handler pool; its Result becomes the response.
  // Logs from `work` carry the request's id.
  void Offload(const http::Request& request, http::Responder respond,
               std::function<http::Response()> work);
  // A route gate: authenticates from the headers (on the handler pool) and
  // checks the route's scope, before a byte of the body is read.
  http::Gate AuthGate();
  // Authenticates on the handler pool and checks the route's scope (scopes_),
  // then runs `work` with the principal.
  void Authed(http::Request& request, http::Responder respond,
              std::function<http::Response(const Principal&)> work);

  void Synthesize(http::Request& request, http::Responder respond);
  // POST /v1/tts/stream (api_server_stream.cc).
  void Stream(http::Request& request, http::Responder respond);
  void GetJob(http::Request& request, http::Responder respond);
  // GET /v1/tts/jobs?limit=N: the caller's newest jobs (the web playground's list).
  void ListJobs(http::Request& request, http::Responder respond);
  void GetJobTimestamps(http::Request& request, http::Responder respond);
  void CancelJob(http::Request& request, http::Responder respond);
  void GetAudio(http::Request& request, http::Responder respond);
  // Voices and cloning (api_server_voices.cc). Without a cloner (no ASR model
  // on this host), the cloning routes answer 503 and the rest still work.
  void ListVoices(http::Request& request, http::Responder respond);
  void GetVoice(http::Request& request, http::Responder respond);
  void DeleteVoice(http::Request& request, http::Responder respond);
  // POST /v1/voices/{voice_id}/revoke-consent (cloning/consent_revocation.h).
  void RevokeConsent(http::Request& request, http::Responder respond);
  void CreateVoice(http::Request& request, http::Responder respond);
  void ConsentStatement(http::Request& request, http::Responder respond);
  void AddProtectedVoice(http::Request& request, http::Responder respond);
  void ListProtectedVoices(http::Request& request, http::Responder respond);
  void RemoveProtectedVoice(http::Request& request, http::Responder respond);
  void ListModels(http::Request& request, http::Responder respond);
  void ReloadModels(http::Request& request, http::Responder respond);
  // POST /v1/oauth/token (oauth_token.h); 404 without a token service.
  void OAuthToken(http::Request& request, http::Responder respond);
  // GET /v1/usage: the caller's usage this month and its plan's limits.
  void Usage(http::Request& request, http::Responder respond);
  // POST /v1/watermark/detect (api_server_watermark.cc).
  void DetectWatermark(http::Request& request, http::Responder respond);
  // /readyz: every check with its status and details (internal listener, or the only one).
  void Ready(http::Request& request, http::Responder respond);
  // /readyz on the public listener when an internal one exists: the verdict, no details.
  void ReadyBrief(http::Request& request, http::Responder respond);
  http::Response Readiness(bool detailed);

  ApiServerConfig config_;
  JobService& jobs_;
  Authenticator& auth_;
  const engines::EngineRegistry& engines_;
  store::Store& store_;
  blob::BlobStore& blobs_;
  obs::Registry& metrics_;
  std::vector<ReadinessCheck> readiness_;
  cloning::VoiceCloner* cloner_;
  std::function<Result<nlohmann::json>()> reload_models_;
  const OAuthTokenService* oauth_;
  UsageMeter* meter_ = nullptr;
  const watermark::Watermarker* watermarker_ = nullptr;
  RateLimiter limiter_;
  RouteScopes scopes_;  // filled by BuildRouter, read-only afterwards
  obs::Family<obs::Counter>& requests_;
  obs::Family<obs::Histogram>& latency_;
  obs::Family<obs::Counter>& voice_creations_;
  boost::asio::thread_pool handler_pool_;
  engines::Synthesizer synthesizer_;
  std::unique_ptr<StreamService> streams_;
  std::unique_ptr<openai::SpeechRoute> openai_speech_;
  std::unique_ptr<openai::VoicesRoute> openai_voices_;  // custom voices and their consents
  std::unique_ptr<elevenlabs::TextToSpeechRoute> elevenlabs_tts_;
  std::unique_ptr<elevenlabs::CatalogRoute> elevenlabs_catalog_;
  std::unique_ptr<elevenlabs::StreamInputRoute> elevenlabs_stream_input_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<http::HttpServer> internal_server_;  // null without internal_listen
};

}  // namespace vox::api
