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

#include <chrono>
#include <string>

#include "common/status.h"

namespace vox::webhook {

struct WebhookConfig {
  std::string secret;           // HMAC key; required when webhooks are used
  bool allow_private = false;   // VOX_WEBHOOK_ALLOW_PRIVATE
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{500};  // doubles per attempt
  std::chrono::milliseconds timeout{5000};         // per attempt

  Status Validate() const;
};

// Checks the URL's syntax and scheme (http/https) and, unless allowed, that
// it does not point at a private address. Used by the API at submit time so
// a bad webhook_url is a 400/422 up front, not a silent failure later.
Status ValidateWebhookUrl(const std::string& url, bool allow_private);

struct WebhookResult {
  int attempts = 0;
  long last_http_status = 0;
};

class WebhookSender {
 public:
  explicit WebhookSender(WebhookConfig config) : config_(std::move(config)) {}

  // POSTs `json_body`, retrying with exponential backoff on network errors,
  // 429 and 5xx; 2xx is success; other 4xx stop retrying (the receiver said no).
  // Blocks the calling (worker) thread for at most the retry schedule.
  Result<WebhookResult> Deliver(const std::string& url, const std::string& json_body) const;

  // The header value for `body` at time `unix_s` (exposed for receivers' tests).
  std::string Signature(const std::string& body, int64_t unix_s) const;

 private:
  WebhookConfig config_;
};

}  // namespace vox::webhook
