// Webhook delivery: a signed JSON POST when a job finishes.
//
// Signature: header `X-Vox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>" keyed with the webhook secret>` (the scheme Stripe made
// familiar), so receivers can verify origin and reject replays.
//
// SSRF: the target host is resolved once, every address is checked against
// loopback, private, link-local and other special ranges, and the request is
// pinned to the checked address (CURLOPT_RESOLVE), so DNS rebinding cannot
// swap in an internal address after the check. `allow_private` turns the
// check off for deployments (and tests) that deliver to internal receivers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace vox::webhook {

struct WebhookConfig {
  std::string secret;          // HMAC key; required when webhooks are used
  bool allow_private = false;  // VOX_WEBHOOK_ALLOW_PRIVATE
  // Retry schedule: attempt n+1 starts initial_backoff * 2^(n-1) after
  // attempt n failed (0.5, 1, 2, 4 s by default), capped at max_backoff.
  int max_attempts = 5;  // VOX_WEBHOOK_MAX_ATTEMPTS
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{60'000};
  // One attempt: connecting may take connect_timeout, the whole exchange
  // `timeout` (VOX_WEBHOOK_TIMEOUT_MS). A receiver that accepts and never
  // answers costs one sender thread this long per attempt, no more.
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{5000};
  // Dispatcher: sender threads (VOX_WEBHOOK_THREADS), attempts in flight to
  // one host:port (VOX_WEBHOOK_PER_HOST), deliveries waiting to be sent or
  // retried; past max_queue new ones are dropped.
  int threads = 4;
  int per_host = 2;
  size_t max_queue = 10'000;

  Status Validate() const;
  // How long to wait after failed attempt `attempt` (1-based) before the next.
  std::chrono::milliseconds RetryDelay(int attempt) const;
};

// Checks the URL's syntax and scheme (http/https) and, unless allowed, that
// it does not point at a private address. Used by the API at submit time so
// a bad webhook_url is a 400/422 up front, not a silent failure later.
Status ValidateWebhookUrl(const std::string& url, bool allow_private);

struct AttemptResult {
  enum Outcome {
    kDelivered,  // 2xx
    kRetry,      // network error, timeout, 429 or 5xx: worth another attempt
    kRefused,    // other 4xx, or the target is invalid or private: never retried
    kCanceled,   // `cancel` was set while the attempt ran
  };
  Outcome outcome = kRetry;
  long http_status = 0;  // 0 when no response arrived
  std::string error;     // why, when not delivered
};

class WebhookSender {
 public:
  explicit WebhookSender(WebhookConfig config) : config_(std::move(config)) {}

  // One signed POST of `json_body`, bounded by the config's timeouts. The
  // target is resolved and checked on every attempt, and the request pinned
  // to the checked address. Setting `*cancel` aborts it within about a second.
  AttemptResult Attempt(const std::string& url, const std::string& json_body,
                        const std::atomic<bool>* cancel = nullptr) const;

  // The header value for `body` at time `unix_s` (exposed for receivers' tests).
  std::string Signature(const std::string& body, int64_t unix_s) const;

  const WebhookConfig& config() const { return config_; }

 private:
  WebhookConfig config_;
};

}  // namespace vox::webhook
